//! Component-scoped CSS: each component's `style_str!` block is added to `<head>` once.

use std::cell::RefCell;
use std::collections::HashMap;

thread_local! {
    static INSERTED: RefCell<HashMap<&'static str, &'static str>> = RefCell::new(HashMap::new());
    static COLLISIONS: RefCell<Vec<&'static str>> = const { RefCell::new(Vec::new()) };
}

/// Adds a scoped stylesheet to the document (once per class) and returns its class name.
///
/// stylers derives class names per block; if two different blocks ever got the same class,
/// the second one would silently lose its styles, so that case is reported as a collision.
pub fn scoped(style: (&'static str, &'static str)) -> &'static str {
    let (class, css) = style;
    INSERTED.with(|ins| {
        let mut ins = ins.borrow_mut();
        match ins.get(class) {
            Some(existing) if *existing == css => {}
            Some(_) => {
                leptos::logging::error!("stylers class collision: {class}");
                COLLISIONS.with(|c| c.borrow_mut().push(class));
            }
            None => {
                ins.insert(class, css);
                if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
                    if let (Ok(el), Some(head)) = (doc.create_element("style"), doc.head()) {
                        el.set_text_content(Some(css));
                        let _ = el.set_attribute("data-scope", class);
                        let _ = head.append_child(&el);
                    }
                }
            }
        }
    });
    class
}

/// Classes that were claimed by two different stylesheets (tests assert this stays empty).
pub fn collisions() -> Vec<&'static str> {
    COLLISIONS.with(|c| c.borrow().clone())
}

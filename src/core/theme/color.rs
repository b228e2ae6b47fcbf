//! Colors: parsing the few CSS color forms a theme accepts, WCAG contrast, and mixing.

/// An opaque sRGB color.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rgb {
    /// Red, 0–255.
    pub r: u8,
    /// Green, 0–255.
    pub g: u8,
    /// Blue, 0–255.
    pub b: u8,
}

impl Rgb {
    /// A color from its three channels.
    pub const fn new(r: u8, g: u8, b: u8) -> Rgb {
        Rgb { r, g, b }
    }

    /// The color as `#rrggbb` in lowercase: the one form the generated stylesheet uses, so equal
    /// colors always produce equal bytes.
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }

    /// WCAG 2.x relative luminance, 0 (black) to 1 (white).
    pub fn luminance(self) -> f64 {
        fn linear(c: u8) -> f64 {
            let c = f64::from(c) / 255.0;
            // The sRGB transfer function; WCAG 2.0 printed 0.03928 as the threshold, which
            // gives the same result for every 8-bit value.
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        }
        0.2126 * linear(self.r) + 0.7152 * linear(self.g) + 0.0722 * linear(self.b)
    }

    /// `self` moved `amount` (0–1) of the way toward `other`, channel by channel in sRGB — what
    /// `color-mix(in srgb, …)` does, done here so the stylesheet works in every browser.
    pub fn mix(self, other: Rgb, amount: f64) -> Rgb {
        let t = amount.clamp(0.0, 1.0);
        let channel = |a: u8, b: u8| {
            let v = f64::from(a) + (f64::from(b) - f64::from(a)) * t;
            // Clamped first, so the conversion cannot wrap.
            v.round().clamp(0.0, 255.0) as u8
        };
        Rgb::new(
            channel(self.r, other.r),
            channel(self.g, other.g),
            channel(self.b, other.b),
        )
    }
}

/// WCAG 2.x contrast ratio of two colors, from 1 (identical) to 21 (black on white); the order
/// of the two does not matter.
pub fn contrast_ratio(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (a.luminance(), b.luminance());
    let (hi, lo) = if la >= lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

const FORMS: &str = "Use a color like #2848c7, #24c or rgb(40, 72, 199).";
const NO_ALPHA: &str = "Use an opaque color without transparency: contrast can only be \
                        checked against a solid color. Remove the alpha part.";

/// Reads a theme color: `#rgb`, `#rrggbb`, `rgb(r, g, b)` or `rgb(r g b)` with channels 0–255.
///
/// Transparency (`#rgba`, `#rrggbbaa`, `rgba(…)`, `rgb(… / a)`, `transparent`) is refused with a
/// message saying why: the contrast check needs to know the color a reader actually sees.
pub fn parse_color(s: &str) -> Result<Rgb, String> {
    let v = s.trim();
    if v.is_empty() {
        return Err(format!("Enter a color. {FORMS}"));
    }
    let lower = v.to_ascii_lowercase();
    if let Some(hex) = lower.strip_prefix('#') {
        return parse_hex(hex);
    }
    if lower == "transparent" || lower.starts_with("rgba(") || lower.starts_with("hsla(") {
        return Err(NO_ALPHA.into());
    }
    if let Some(inner) = lower.strip_prefix("rgb(") {
        let Some(inner) = inner.strip_suffix(')') else {
            return Err(format!("Close the parenthesis of rgb(…). {FORMS}"));
        };
        return parse_rgb_args(inner);
    }
    Err(format!(
        "\"{v}\" is not a color this theme can use. {FORMS}"
    ))
}

fn parse_hex(hex: &str) -> Result<Rgb, String> {
    if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(format!(
            "A hex color has only the digits 0–9 and letters a–f after the #. {FORMS}"
        ));
    }
    let digit = |i: usize| u8::from_str_radix(hex.get(i..i + 1).unwrap_or("0"), 16).unwrap_or(0);
    match hex.len() {
        3 => Ok(Rgb::new(digit(0) * 17, digit(1) * 17, digit(2) * 17)),
        6 => Ok(Rgb::new(
            digit(0) * 16 + digit(1),
            digit(2) * 16 + digit(3),
            digit(4) * 16 + digit(5),
        )),
        4 | 8 => Err(NO_ALPHA.into()),
        _ => Err(format!(
            "A hex color has 3 or 6 digits after the #. {FORMS}"
        )),
    }
}

fn parse_rgb_args(inner: &str) -> Result<Rgb, String> {
    if inner.contains('/') {
        return Err(NO_ALPHA.into());
    }
    let parts: Vec<&str> = if inner.contains(',') {
        inner.split(',').map(str::trim).collect()
    } else {
        inner.split_whitespace().collect()
    };
    if parts.len() == 4 {
        return Err(NO_ALPHA.into());
    }
    if parts.len() != 3 {
        return Err(format!(
            "rgb(…) takes three numbers: red, green and blue. {FORMS}"
        ));
    }
    let mut channels = [0u8; 3];
    for (slot, part) in channels.iter_mut().zip(&parts) {
        *slot = part.parse::<u8>().map_err(|_| {
            format!("Each rgb(…) channel is a whole number from 0 to 255, not \"{part}\".")
        })?;
    }
    Ok(Rgb::new(channels[0], channels[1], channels[2]))
}

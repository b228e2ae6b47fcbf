/*
 * Portico embed script: shows the SSO setup portal inside your page.
 *
 *   <div id="sso-setup"></div>
 *   <script src="https://sso.example.com/embed.js"></script>
 *   <script>
 *     const portal = Portico.embed(document.getElementById('sso-setup'), portalLinkUrl);
 *     document.getElementById('sso-setup').addEventListener('portico:closed', () => portal.destroy());
 *   </script>
 *
 * Each message from the portal is re-dispatched on the container as a CustomEvent named
 * `portico:<type without the "portico." prefix>` (portico:ready, portico:step_changed, …) and
 * as `portico:event`; `event.detail` is the message: {type, version, organization_id, data}.
 * Messages are accepted only from the portal's origin and only from this iframe.
 */
(function (global) {
  'use strict';

  var PREFIX = 'portico.';
  var VERSION = 1;

  function embed(container, portalLinkUrl, options) {
    options = options || {};
    if (typeof container === 'string') container = document.querySelector(container);
    if (!container || !container.appendChild) throw new Error('Portico.embed: pass the element to put the portal in');
    var url = new URL(portalLinkUrl, document.baseURI);
    var portalOrigin = url.origin;
    var minHeight = typeof options.minHeight === 'number' ? options.minHeight : 320;

    var frame = document.createElement('iframe');
    frame.title = options.title || 'Single sign-on setup';
    // The portal checks this origin against the vendor's allowed list before it posts events,
    // so send it even if the page's own policy is no-referrer.
    frame.referrerPolicy = 'origin';
    frame.setAttribute('allow', 'clipboard-write');
    frame.style.cssText = 'display:block;width:100%;border:0;height:' + (options.height || 600) + 'px';
    frame.src = url.href;

    function hello() {
      // Tells the portal who its parent is, for browsers without location.ancestorOrigins.
      if (frame.contentWindow) frame.contentWindow.postMessage({ type: 'portico.hello', version: VERSION }, portalOrigin);
    }

    function onMessage(event) {
      if (event.source !== frame.contentWindow || event.origin !== portalOrigin) return;
      var msg = event.data;
      if (!msg || typeof msg.type !== 'string' || msg.type.indexOf(PREFIX) !== 0 || msg.version !== VERSION) return;
      if (msg.type === 'portico.resize' && options.autoResize !== false && msg.data && typeof msg.data.height === 'number') {
        frame.style.height = Math.max(minHeight, Math.ceil(msg.data.height)) + 'px';
      }
      var name = 'portico:' + msg.type.slice(PREFIX.length);
      container.dispatchEvent(new CustomEvent(name, { detail: msg, bubbles: true }));
      container.dispatchEvent(new CustomEvent('portico:event', { detail: msg, bubbles: true }));
      if (typeof options.onEvent === 'function') options.onEvent(msg);
    }

    global.addEventListener('message', onMessage);
    frame.addEventListener('load', hello);
    container.appendChild(frame);

    return {
      /** The iframe element. */
      iframe: frame,
      /** The portal's origin; messages from anywhere else are ignored. */
      origin: portalOrigin,
      /** Removes the iframe and stops listening. */
      destroy: function () {
        global.removeEventListener('message', onMessage);
        frame.removeEventListener('load', hello);
        if (frame.parentNode) frame.parentNode.removeChild(frame);
      },
    };
  }

  global.Portico = { embed: embed, version: VERSION };
})(window);

// The service worker behind Web Push (served at /sw.js, scope "/"). It shows the message
// the push adapter sends ({title, body, url, tag}) and opens its page when it is clicked.
// It handles no fetches: the site works as before, with or without it.
(function () {
  "use strict";
  var INBOX = "/accounts/messages/";

  self.addEventListener("install", function () {
    self.skipWaiting(); // a new version takes over at once: it only shows notifications
  });

  self.addEventListener("activate", function (event) {
    event.waitUntil(self.clients.claim());
  });

  // Only pages of this site: the payload comes from our server, but a link to elsewhere in
  // a notification would look as if the ward sent the resident there.
  function sameSite(url) {
    try {
      var target = new URL(url || INBOX, self.location.origin);
      if (target.origin === self.location.origin) {
        return target.href;
      }
    } catch (error) {
      // not a URL: fall through to the inbox
    }
    return new URL(INBOX, self.location.origin).href;
  }

  self.addEventListener("push", function (event) {
    var data = {};
    if (event.data) {
      try {
        data = event.data.json();
      } catch (error) {
        data = { body: event.data.text() };
      }
    }
    // A push must show a notification (userVisibleOnly), even one without a title.
    var title = data.title || self.location.hostname;
    event.waitUntil(
      self.registration.showNotification(title, {
        body: data.body || "",
        tag: data.tag || undefined,
        data: { url: sameSite(data.url) }
      })
    );
  });

  self.addEventListener("notificationclick", function (event) {
    event.notification.close();
    var url = sameSite(event.notification.data && event.notification.data.url);
    event.waitUntil(
      self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
        for (var i = 0; i < windows.length; i += 1) {
          if (windows[i].url === url && "focus" in windows[i]) {
            return windows[i].focus();
          }
        }
        return self.clients.openWindow(url);
      })
    );
  });
})();

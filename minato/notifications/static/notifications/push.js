// "Notifications on this device" on the preferences page. Where the browser has service
// workers and the Push API, it registers /sw.js, subscribes with the site's VAPID key and
// posts the subscription; "turn off" unsubscribes and tells the site. Without JavaScript,
// or without the Push API, the page keeps its plain explanation.
(function () {
  "use strict";
  var box = document.getElementById("push-control");
  if (!box) {
    return;
  }
  var explanation = document.getElementById("push-needs-script");
  var status = document.getElementById("push-status");
  var turnOn = document.getElementById("push-on");
  var turnOff = document.getElementById("push-off");
  var count = document.getElementById("push-count");
  var csrf = box.querySelector("input[name=csrfmiddlewaretoken]");

  function say(text) {
    status.textContent = text;
  }

  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    explanation.textContent = box.dataset.textUnsupported;
    return;
  }
  explanation.hidden = true;

  // The VAPID public key is base64url; PushManager wants its bytes.
  function keyBytes(base64url) {
    var base64 = (base64url + "===".slice((base64url.length + 3) % 4))
      .replace(/-/g, "+")
      .replace(/_/g, "/");
    var raw = window.atob(base64);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) {
      bytes[i] = raw.charCodeAt(i);
    }
    return bytes;
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/problem+json, application/json",
        "X-CSRFToken": csrf.value
      },
      body: JSON.stringify(body)
    }).then(function (response) {
      if (!response.ok) {
        throw new Error("The site answered " + response.status);
      }
    });
  }

  // Show the button that applies; move focus to it when the other one, just pressed, goes.
  function show(subscribed, moveFocus) {
    turnOn.hidden = subscribed;
    turnOff.hidden = !subscribed;
    if (moveFocus) {
      (subscribed ? turnOff : turnOn).focus();
    }
  }

  function failed() {
    say(Notification.permission === "denied" ? box.dataset.textBlocked : box.dataset.textError);
  }

  // What this page said about the resident's browsers is out of date after a change.
  function changed(text, subscribed) {
    if (count) {
      count.hidden = true;
    }
    show(subscribed, true);
    say(text);
  }

  var ready = navigator.serviceWorker.register(box.dataset.serviceWorker, { scope: "/" });
  ready
    .then(function (registration) {
      return registration.pushManager.getSubscription();
    })
    .then(function (subscription) {
      show(Boolean(subscription), false);
      if (!subscription && Notification.permission === "denied") {
        say(box.dataset.textBlocked);
      }
    })
    .catch(function () {
      say(box.dataset.textError);
    });

  turnOn.addEventListener("click", function () {
    turnOn.disabled = true;
    say(box.dataset.textWorking);
    ready
      .then(function (registration) {
        return registration.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: keyBytes(box.dataset.vapidKey)
        });
      })
      .then(function (subscription) {
        return post(box.dataset.subscribeUrl, subscription.toJSON()).catch(function (error) {
          // The site did not store it: nothing would ever arrive, so do not keep it.
          return subscription.unsubscribe().then(function () {
            throw error;
          });
        });
      })
      .then(function () {
        changed(box.dataset.textOn, true);
      })
      .catch(failed)
      .finally(function () {
        turnOn.disabled = false;
      });
  });

  turnOff.addEventListener("click", function () {
    turnOff.disabled = true;
    say(box.dataset.textWorking);
    ready
      .then(function (registration) {
        return registration.pushManager.getSubscription();
      })
      .then(function (subscription) {
        if (!subscription) {
          return null;
        }
        return post(box.dataset.unsubscribeUrl, { endpoint: subscription.endpoint }).then(
          function () {
            return subscription.unsubscribe();
          }
        );
      })
      .then(function () {
        changed(box.dataset.textOff, false);
      })
      .catch(failed)
      .finally(function () {
        turnOff.disabled = false;
      });
  });
})();

// The counters (minato/navigator): a ticket's page and the hall display ask the server for
// news every couple of seconds (polling: it works through any proxy, and a phone that lost
// the network picks up where it was); without JavaScript the pages reload themselves. Also
// the checklist's print button. Text only (textContent), never markup.
(function () {
  "use strict";

  function poll(url, seconds, apply) {
    function ask() {
      fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (state) {
          if (state) {
            apply(state);
          }
        })
        .catch(function () {
          // Offline for a moment: keep what is shown and ask again next time.
        })
        .then(function () {
          window.setTimeout(ask, (Number(seconds) || 2) * 1000);
        });
    }
    window.setTimeout(ask, (Number(seconds) || 2) * 1000);
  }

  // A ticket's page --------------------------------------------------------------------
  var ticket = document.querySelector("[data-ticket-url]");
  if (ticket) {
    var lastStatus = null;
    poll(ticket.dataset.ticketUrl, ticket.dataset.pollSeconds, function (state) {
      ticket.querySelectorAll("[data-status]").forEach(function (element) {
        element.hidden = element.dataset.status !== state.status;
      });
      ticket.querySelectorAll("[data-field]").forEach(function (element) {
        var value = state[element.dataset.field];
        element.textContent = value === null || value === undefined ? "" : String(value);
      });
      var queued = ticket.querySelector("[data-when=queued]");
      var slot = ticket.querySelector("[data-when=slot]");
      if (queued) {
        queued.hidden = state.ahead === null;
      }
      if (slot) {
        slot.hidden = state.ahead !== null || !state.slot_start;
      }
      if (state.status === "called" && lastStatus !== null && lastStatus !== "called" && navigator.vibrate) {
        navigator.vibrate([300, 100, 300]);
      }
      lastStatus = state.status;
    });
  }

  // The hall display -------------------------------------------------------------------
  var hall = document.querySelector("[data-display-url]");
  if (hall) {
    var calls = document.getElementById("hall-calls");
    var queues = document.getElementById("hall-queues");
    var speech = document.getElementById("hall-speech");
    var announced = {};
    var first = true;

    function say(call) {
      if (!speech || !speech.checked || !window.speechSynthesis) {
        return;
      }
      var number = call.label.split("").join(" ");
      [
        ["ja-JP", number + "番の方、" + call.desk + "番窓口へお越しください。"],
        ["en-US", "Number " + number + ", please come to desk " + call.desk + "."],
      ].forEach(function (pair) {
        var utterance = new window.SpeechSynthesisUtterance(pair[1]);
        utterance.lang = pair[0];
        window.speechSynthesis.speak(utterance);
      });
    }

    poll(hall.dataset.displayUrl, hall.dataset.pollSeconds, function (state) {
      calls.textContent = "";
      if (!state.calls.length) {
        var none = document.createElement("li");
        none.className = "hall__call";
        none.textContent = "—";
        calls.append(none);
      }
      state.calls.forEach(function (call) {
        var item = document.createElement("li");
        item.className = "hall__call";
        var number = document.createElement("span");
        number.className = "hall__number";
        number.textContent = call.label;
        var desk = document.createElement("span");
        desk.className = "hall__desk";
        desk.textContent = call.desk + "番窓口 ";
        var english = document.createElement("span");
        english.lang = "en";
        english.textContent = "Desk " + call.desk;
        desk.append(english);
        item.append(number, " ", desk);
        calls.append(item);
        var key = call.label + ":" + call.desk + ":" + call.call_count;
        if (!announced[key]) {
          announced[key] = true;
          if (!first) {
            say(call); // a new call, or a recall, since the page opened
          }
        }
      });
      first = false;
      queues.textContent = "";
      state.queues.forEach(function (queue) {
        var item = document.createElement("li");
        var english = document.createElement("span");
        english.lang = "en";
        english.textContent = queue.name.en;
        var count = document.createElement("strong");
        count.textContent = String(queue.waiting);
        item.append(queue.name.ja + " ", english, ": ", count);
        queues.append(item);
      });
    });
  }

  // The kiosk: after showing a new ticket, back to the buttons by itself, so that the next
  // person does not see it (the "Done" link does the same at once).
  var back = document.querySelector("[data-return-after]");
  if (back) {
    window.setTimeout(function () {
      window.location.replace(back.href);
    }, Number(back.dataset.returnAfter) * 1000);
  }

  // Print buttons ----------------------------------------------------------------------
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();

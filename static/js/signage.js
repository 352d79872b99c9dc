// Digital signage (minato/information/views/signage.py): show each notice in Japanese,
// English and やさしい日本語 in turn, ask the server for news every few seconds, and switch to
// the emergency notices as soon as there are any. Text only (textContent), never markup.
(function () {
  "use strict";
  var main = document.querySelector("[data-state-url]");
  var initial = document.getElementById("signage-state");
  if (!main || !initial) {
    return;
  }
  var LANGUAGES = ["ja", "en", "ja-easy"];
  var LABELS = {
    emergency: { ja: "緊急情報", en: "Emergency", "ja-easy": "きんきゅう じょうほう" },
    notice: { ja: "お知らせ", en: "Notice", "ja-easy": "おしらせ" },
  };
  var SHOW_SECONDS = 8;
  var state = JSON.parse(initial.textContent);
  var position = 0;
  var item = document.getElementById("signage-item");

  function slides() {
    var items = state.emergency.length ? state.emergency : state.notices;
    var all = [];
    items.forEach(function (notice) {
      LANGUAGES.forEach(function (language) {
        var text = notice.texts[language];
        // A language the notice is not written in would repeat the Japanese: skip it.
        if (language === "ja" || text.language === language) {
          all.push({ notice: notice, language: language, text: text });
        }
      });
    });
    return all;
  }

  function show() {
    var all = slides();
    var emergency = state.emergency.length > 0;
    item.classList.toggle("signage__item--emergency", emergency);
    item.textContent = "";
    if (!all.length) {
      return;
    }
    var slide = all[position % all.length];
    var label = document.createElement("p");
    label.className = "signage__label";
    label.textContent = LABELS[emergency ? "emergency" : "notice"][slide.language];
    label.lang = slide.language === "ja-easy" ? "ja-x-easy" : slide.language;
    var title = document.createElement("h2");
    title.className = "signage__title";
    title.textContent = slide.text.title;
    title.lang = label.lang;
    var body = document.createElement("p");
    body.className = "signage__body";
    body.textContent = slide.text.body;
    body.lang = label.lang;
    item.append(label, title, body);
  }

  function poll() {
    fetch(main.dataset.stateUrl, { headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (fresh) {
        if (!fresh) {
          return;
        }
        var wasEmergency = state.emergency.length > 0;
        state = fresh;
        if (!wasEmergency && state.emergency.length) {
          position = 0; // an emergency interrupts at once
          show();
        }
      })
      .catch(function () {
        // Offline for a moment: keep showing what we have and ask again next time.
      });
  }

  show();
  window.setInterval(function () {
    position += 1;
    show();
  }, SHOW_SECONDS * 1000);
  window.setInterval(poll, (Number(main.dataset.pollSeconds) || 5) * 1000);
})();

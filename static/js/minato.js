/*
 * minato.js — small progressive enhancements for the Minato platform.
 *
 * Load with:  <script src="{% static 'js/minato.js' %}" defer></script>
 * No dependencies, no inline script, CSP-friendly. Every page must work without it:
 * it only improves keyboard and screen-reader flow.
 *
 *  1. Error summary: if the page has an `.error-summary`, focus it on load (it gets
 *     tabindex="-1" if the template did not set one), so screen readers announce the
 *     errors first. Also done after htmx swaps that bring in a new error summary.
 *  2. Error summary links (`<a href="#id_field">`): on click, move focus to the field
 *     with that id (or the first control inside it, e.g. a radio group) and scroll its
 *     label / legend into view, instead of only jumping the viewport.
 *  3. Confirmation: `<form data-confirm="本当に削除しますか？">` (or a submit button with
 *     data-confirm) asks window.confirm(message) on submit and cancels the submit when
 *     the user says no. Runs in the capture phase, so it also stops htmx-powered forms.
 *  4. Settings by type: a `<select data-shows-settings>` shows, of the fieldsets marked
 *     `data-for-types="a b"`, only those for the chosen value, as the user changes it.
 *     Without JavaScript the server renders only the chosen type's settings, and a
 *     "show the settings for this type" button (`data-settings-button`, hidden here)
 *     redisplays the form for another type.
 */
(function () {
  "use strict";

  var FOCUSABLE = "input:not([type=hidden]):not([disabled]), select:not([disabled]), " +
    "textarea:not([disabled]), button:not([disabled]), a[href], [tabindex]";

  function focusErrorSummary(root) {
    var scope = root && root.querySelector ? root : document;
    var summary = scope.matches && scope.matches(".error-summary")
      ? scope
      : scope.querySelector(".error-summary");
    if (!summary) {
      return;
    }
    if (!summary.hasAttribute("tabindex")) {
      summary.setAttribute("tabindex", "-1");
    }
    summary.focus();
  }

  function isFocusable(el) {
    return !!(el.matches && el.matches(FOCUSABLE));
  }

  // The element whose visible label should end up on screen: the <legend> of a
  // fieldset for checkbox/radio groups, else the <label for=id>, else the field itself.
  function scrollTargetFor(field) {
    var type = (field.getAttribute("type") || "").toLowerCase();
    var fieldset = field.closest ? field.closest("fieldset") : null;
    if (fieldset && (type === "checkbox" || type === "radio")) {
      var legend = fieldset.querySelector("legend");
      if (legend) {
        return legend;
      }
    }
    if (field.id && window.CSS && CSS.escape) {
      var label = document.querySelector('label[for="' + CSS.escape(field.id) + '"]');
      if (label) {
        return label;
      }
    }
    return field;
  }

  function onErrorLinkClick(event) {
    var link = event.target.closest && event.target.closest('.error-summary a[href^="#"]');
    if (!link) {
      return;
    }
    var id;
    try {
      id = decodeURIComponent(link.getAttribute("href").slice(1));
    } catch (e) {
      return;
    }
    var target = id ? document.getElementById(id) : null;
    if (!target) {
      return; // let the browser do its normal thing
    }
    var field = isFocusable(target) ? target : target.querySelector(FOCUSABLE);
    if (!field) {
      field = target;
      field.setAttribute("tabindex", "-1");
    }
    event.preventDefault();
    scrollTargetFor(field).scrollIntoView({ block: "start" });
    try {
      field.focus({ preventScroll: true });
    } catch (e) {
      field.focus();
    }
  }

  function onSubmit(event) {
    var form = event.target;
    if (!form || form.nodeName !== "FORM") {
      return;
    }
    var submitter = event.submitter;
    var message = (submitter && submitter.getAttribute && submitter.getAttribute("data-confirm")) ||
      form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
      event.stopPropagation(); // capture phase: the form's own (e.g. htmx) handlers never run
    }
  }

  function showSettingsFor(select) {
    var form = select.form;
    if (!form) {
      return;
    }
    var chosen = select.value;
    form.querySelectorAll("[data-for-types]").forEach(function (fieldset) {
      var types = fieldset.getAttribute("data-for-types").split(" ");
      fieldset.hidden = types.indexOf(chosen) === -1;
    });
  }

  function initSettingsSwitches() {
    document.querySelectorAll("select[data-shows-settings]").forEach(function (select) {
      var button = select.form && select.form.querySelector("[data-settings-button]");
      if (button) {
        button.hidden = true;
      }
      select.addEventListener("change", function () {
        showSettingsFor(select);
      });
    });
  }

  function init() {
    focusErrorSummary(document);
    initSettingsSwitches();
  }

  document.addEventListener("click", onErrorLinkClick);
  // A "Print" button (data-print) on printable pages; without JavaScript the browser's own
  // print command does the same.
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target && target.closest && target.closest("[data-print]")) {
      window.print();
    }
  });
  document.addEventListener("submit", onSubmit, true);

  // htmx (if present) swaps in server-rendered form errors
  document.addEventListener("htmx:afterSettle", function (event) {
    focusErrorSummary(event.target);
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

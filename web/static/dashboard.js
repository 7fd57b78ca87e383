// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // The language picker submits itself when changed (its button stays for no-JS browsers).
  document.querySelectorAll("[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  var tg = window.Telegram && window.Telegram.WebApp;
  var signIn = document.getElementById("mini-app-sign-in");
  if (signIn && !(tg && tg.initData)) {
    // Opened outside Telegram: say how to sign in instead of waiting forever.
    document.getElementById("mini-app-waiting").hidden = true;
    document.getElementById("mini-app-outside").hidden = false;
  }
  if (!tg) { return; }
  tg.ready();
  tg.expand();

  // Telegram's theme colours replace the page's own (light or dark) ones.
  function applyTheme() {
    var p = tg.themeParams || {};
    var map = {
      "--bg": p.bg_color, "--fg": p.text_color, "--muted": p.hint_color,
      "--card": p.secondary_bg_color, "--link": p.link_color,
      "--button-bg": p.button_color, "--button-fg": p.button_text_color,
      "--focus": p.link_color
    };
    Object.keys(map).forEach(function (name) {
      if (map[name]) { document.documentElement.style.setProperty(name, map[name]); }
    });
  }
  applyTheme();
  tg.onEvent("themeChanged", applyTheme);

  // The Mini App's start page signs in with the initData Telegram gave it.
  if (signIn && tg.initData) {
    signIn.elements.init_data.value = tg.initData;
    signIn.submit();
  }

  // Check-in: Telegram's own QR scanner fills the same form and sends it.
  var scan = document.getElementById("scan-button");
  var form = document.getElementById("check-in-form");
  if (scan && form && tg.showScanQrPopup) {
    scan.hidden = false;
    scan.addEventListener("click", function () {
      tg.showScanQrPopup({}, function (text) {
        form.elements.code.value = text;
        form.submit();
        return true; // closes the scanner
      });
    });
  }
})();

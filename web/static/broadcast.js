// The broadcast page as the organiser types: the recipient count and each text's preview
// follow the form (asked from the server, which checks and escapes them as it does for
// the "Count recipients and preview" button). Without this file the button does the same.
(function () {
  "use strict";
  var form = document.getElementById("compose-form");
  if (!form || !window.fetch || !window.FormData) { return; }
  var count = document.getElementById("recipient-count");
  var timer = null;
  var asked = 0;

  function update() {
    var mine = ++asked;
    fetch(form.dataset.preview, {
      method: "POST", body: new FormData(form), credentials: "same-origin"
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (answer) {
      if (!answer || mine !== asked) { return; }  // an older answer than the last asked
      if (answer.recipients) {
        count.textContent = answer.recipients;
        count.hidden = false;
      }
      form.querySelectorAll(".preview[lang]").forEach(function (box) {
        var html = answer.previews[box.getAttribute("lang")];
        // The server's preview: Telegram's allowed tags as our own, all text escaped.
        box.innerHTML = html || "";
        box.hidden = !html;
      });
    }).catch(function () { /* the button still works */ });
  }

  function soon() {
    clearTimeout(timer);
    timer = setTimeout(update, 400);
  }
  form.addEventListener("input", soon);
  form.addEventListener("change", soon);
})();

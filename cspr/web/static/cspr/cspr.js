// Progressive enhancements only: every page works without this script (DESIGN.md, Shape).
(function () {
  "use strict";

  // The CSRF cookie is HttpOnly, so the token comes from a form on the page: every signed-in page has one,
  // the idle warning's "Stay signed in" form, and each form that autosaves carries its own.
  function csrfToken() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  // Autosave: forms marked data-autosave post their fields to the server every few seconds while they
  // change, so a closed tab or an ended session loses nothing (DESIGN.md rule 5).
  function setUpAutosave(form) {
    var url = form.getAttribute("data-autosave");
    var status = form.querySelector(".cspr-draft-status");
    var dirty = false;
    var saving = false;
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("change", function () { dirty = true; });
    function save() {
      if (!dirty || saving) { return; }
      saving = true;
      dirty = false;
      // The hidden "version" goes too: it is the version the text was typed against, so a draft restored
      // after someone else saved is refused as a stale edit instead of overwriting their save.
      var data = new FormData(form);
      // A draft keeps what was typed, never a chosen file: the file is asked for again when the form is sent.
      form.querySelectorAll("input[type=file]").forEach(function (input) { if (input.name) { data.delete(input.name); } });
      fetch(url, { method: "POST", body: data, headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (status) { status.textContent = response.ok ? "Draft saved at " + new Date().toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" }) : "Draft not saved"; }
        })
        .catch(function () { dirty = true; if (status) { status.textContent = "Draft not saved: check your connection"; } })
        .finally(function () { saving = false; });
    }
    window.setInterval(save, 5000);
    form.addEventListener("submit", function () { dirty = false; });
    return save;
  }

  var savers = [];
  document.querySelectorAll("form[data-autosave]").forEach(function (form) { savers.push(setUpAutosave(form)); });

  // Idle warning: 5 minutes before the 30-minute idle sign-out, offer to stay signed in.
  var dialog = document.getElementById("idle-warning");
  if (dialog && typeof dialog.showModal === "function") {
    var timeout = parseInt(dialog.getAttribute("data-timeout"), 10) * 1000;
    var warning = parseInt(dialog.getAttribute("data-warning"), 10) * 1000;
    var keepAlive = document.getElementById("idle-keep-alive");
    var warnTimer, endTimer;
    var signOut = function () {
      savers.forEach(function (save) { save(); });
      window.setTimeout(function () { window.location.href = dialog.getAttribute("data-signout"); }, 1000);
    };
    var schedule = function () {
      window.clearTimeout(warnTimer);
      window.clearTimeout(endTimer);
      warnTimer = window.setTimeout(function () { dialog.showModal(); document.getElementById("idle-stay").focus(); }, Math.max(timeout - warning, 0));
      endTimer = window.setTimeout(signOut, timeout);
    };
    keepAlive.addEventListener("submit", function (event) {
      event.preventDefault();
      var data = new FormData(keepAlive);
      fetch(keepAlive.action, { method: "POST", body: data, headers: { "X-CSRFToken": data.get("csrfmiddlewaretoken"), "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          // Only 204 means the session was renewed; anything else (it had already ended) goes to sign-in.
          if (response.status === 204) { dialog.close(); schedule(); } else { signOut(); }
        })
        // No answer at all: keep the warning up, so the person can try again before the sign-out timer ends.
        .catch(function () {});
    });
    schedule();
  }
})();

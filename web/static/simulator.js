// Simulator: send a pane's forms in the background and swap the pane in place.
// Without this script every form still works: it posts and the page comes back (PRG).
(function () {
  "use strict";
  var panes = document.querySelector(".panes");
  if (!panes || !window.fetch || !window.FormData) {
    return;
  }
  // Controls are disabled, not just ignored, while a message is on its way:
  // a press that would be dropped must look pressable to no one.
  function setBusy(pane, busy) {
    pane.classList.toggle("busy", busy);
    pane.setAttribute("aria-busy", busy ? "true" : "false");
    pane.querySelectorAll("button, input, textarea").forEach(function (control) {
      control.disabled = busy;
    });
  }

  panes.addEventListener("submit", function (event) {
    var form = event.target;
    var pane = form.closest("[data-simulator-pane]");
    if (!pane) {
      return;
    }
    event.preventDefault();
    if (pane.classList.contains("busy")) {
      return;  // one message at a time, as a person types them
    }
    var body = new FormData(form);
    setBusy(pane, true);
    fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: {"X-Simulator": "pane"}
    }).then(function (response) {
      if (response.status >= 400 && response.status < 500) {
        setBusy(pane, false);
        form.submit();  // nothing ran: let the browser show why, as without the script
        return null;
      }
      if (!response.ok) {
        throw new Error(String(response.status));
      }
      return response.text();
    }).then(function (html) {
      if (html === null) {
        return;
      }
      var holder = document.createElement("div");
      holder.innerHTML = html;
      var fresh = holder.querySelector("[data-simulator-pane]");
      pane.replaceWith(fresh);
      var input = fresh.querySelector("input[name=text]");
      if (input) {
        input.focus();
      }
    }).catch(function () {
      window.location.reload();
    });
  });
})();

/* Copy button for the API call box (progressive enhancement). */
(function () {
  "use strict";
  var button = document.getElementById("ds-copy-api");
  var field = document.getElementById("ds-api-url");
  if (!button || !field || !navigator.clipboard) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    var status = document.getElementById("ds-copy-status");
    navigator.clipboard.writeText(field.value).then(function () {
      // announced by screen readers (role=status); the button keeps its name
      if (status) { status.textContent = button.getAttribute("data-done"); }
    });
  });
})();

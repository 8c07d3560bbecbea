/* Copy button for the API call box (progressive enhancement). */
(function () {
  "use strict";
  var button = document.getElementById("ds-copy-api");
  var field = document.getElementById("ds-api-url");
  if (!button || !field || !navigator.clipboard) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(field.value).then(function () {
      button.textContent = button.getAttribute("data-done");
    });
  });
})();

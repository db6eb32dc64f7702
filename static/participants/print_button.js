// Buttons marked data-print open the browser's print dialog (no inline onclick: the browser policy forbids it).
document.addEventListener("click", function (event) {
  "use strict";
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});

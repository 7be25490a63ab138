/* Progressive touches to the server-rendered pages; every page works without them.
 * - On a phone the header's menu folds behind "Menu" (it is rendered open, for browsers without JavaScript).
 * - Tables become stacked cards on narrow screens (site.css); each cell gets its column's name as data-label,
 *   which the card shows before the value, and ARIA table roles, which display:block would otherwise drop. */
(function () {
  "use strict";
  var phone = window.matchMedia("(max-width: 640px)");
  var menu = document.querySelector("details.site-menu");
  if (menu && phone.matches) menu.open = false;

  document.querySelectorAll("main table").forEach(function (table) {
    var headRow = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    var names = [];
    if (headRow) {
      Array.prototype.forEach.call(headRow.cells, function (cell) {
        for (var i = 0; i < (cell.colSpan || 1); i++) names.push(cell.innerText.trim());
      });
    }
    table.setAttribute("role", "table");
    Array.prototype.forEach.call(table.querySelectorAll("thead, tbody, tfoot"), function (group) { group.setAttribute("role", "rowgroup"); });
    Array.prototype.forEach.call(table.rows, function (row) {
      row.setAttribute("role", "row");
      var column = 0;
      Array.prototype.forEach.call(row.cells, function (cell) {
        if (cell.tagName === "TH") {
          cell.setAttribute("role", cell.getAttribute("scope") === "row" ? "rowheader" : "columnheader");
        } else {
          cell.setAttribute("role", "cell");
          if (!cell.hasAttribute("data-label") && names[column]) cell.setAttribute("data-label", names[column]);
        }
        column += cell.colSpan || 1;
      });
    });
  });
})();

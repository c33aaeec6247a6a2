// Send the CSRF token with every htmx request (forms carry it as a hidden field as well).
document.addEventListener("htmx:configRequest", function (e) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) { e.detail.headers["X-CSRF-Token"] = meta.content; }
});

// The decision form: only the fields of the chosen outcome, the required ones marked. Without this
// script every field shows, each naming the outcomes it is for (the server checks either way).
function showOutcomeFields(form) {
  var map = JSON.parse(form.dataset.outcomeFields || "{}");
  var outcome = form.querySelector('select[name="outcome"]').value;
  form.querySelectorAll(".field[data-outcomes]").forEach(function (div) {
    var uses = div.dataset.outcomes.split(" ");
    div.hidden = uses.indexOf(outcome) < 0;
    var star = div.querySelector(".js-req");
    if (star) { star.hidden = div.dataset.requiredFor.split(" ").indexOf(outcome) < 0; }
    var note = div.querySelector(".for-outcomes");
    if (note) { note.hidden = true; }
  });
  var confirm = form.querySelector('input[name="confirm"]');
  if (confirm) { confirm.closest(".field").hidden = (map[outcome] || {fields: []}).fields.indexOf("d_searched_on") < 0; }
}
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form.decide").forEach(function (form) {
    showOutcomeFields(form);
    form.querySelector('select[name="outcome"]').addEventListener("change", function () { showOutcomeFields(form); });
  });
});

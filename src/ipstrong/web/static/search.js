// The search page's field picker: the chosen field's example clause is added to the query (ANDed to what is
// there) and its value selected, so the person types over it.
document.addEventListener("DOMContentLoaded", () => {
  const picker = document.getElementById("field-picker");
  const box = document.querySelector("#search-form input[name=q]");
  if (!picker || !box) return;
  picker.addEventListener("change", () => {
    const clause = picker.value;
    if (!clause) return;
    const before = box.value.trim();
    box.value = before ? `${before} AND ${clause}` : clause;
    const value = box.value.length - clause.length + clause.search(/[=<>]+/) + clause.match(/[=<>]+/)[0].length;
    box.focus();
    box.setSelectionRange(value, box.value.length);
    picker.value = "";
  });
});

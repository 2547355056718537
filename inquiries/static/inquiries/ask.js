// Suggest topic names for the "condition" field of the public form, from the library.
(function () {
  "use strict";
  var script = document.getElementById("ask-script");
  var input = document.getElementById("id_condition");
  var list = document.getElementById("topic-suggestions");
  if (!script || !input || !list) {
    return;
  }
  var url = script.getAttribute("data-url");
  var timer = null;
  var last = "";

  function show(names) {
    list.replaceChildren();
    names.forEach(function (name) {
      var option = document.createElement("option");
      option.value = name;
      list.appendChild(option);
    });
  }

  function lookUp() {
    var q = input.value.trim();
    if (q.length < 2 || q === last) {
      return;
    }
    last = q;
    fetch(url + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { topics: [] }; })
      .then(function (data) { if (input.value.trim() === q) { show(data.topics || []); } })
      .catch(function () { /* suggestions are a convenience; the form works without them */ });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(lookUp, 200);
  });
})();

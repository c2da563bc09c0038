(function () {
  "use strict";
  document.body.classList.add("scripted");
  var data = JSON.parse(document.getElementById("data").textContent);
  var questions = data.questions;
  var byLetter = {};
  var status = {};  // letter -> "right", "wrong", "shown" or absent
  var active = null;
  var score = document.getElementById("score");

  // the drawing's cells and gates, and how the page first shows them
  var cells = {};
  var gates = {};
  var found = document.querySelectorAll('[id^="b-"]');
  var i;
  for (i = 0; i < found.length; i++) {
    var key = found[i].id.slice(2);
    var text = document.getElementById("t-" + key).lastElementChild;
    cells[key] = { box: found[i], fill: found[i].getAttribute("fill"), text: text,
                   blank: text.textContent, colour: text.getAttribute("fill") };
  }
  found = document.querySelectorAll('[id^="e-"]');
  for (i = 0; i < found.length; i++) {
    gates[found[i].id.slice(2)] = { ellipse: found[i], fill: found[i].getAttribute("fill") };
  }

  function paint() {
    var key, q, k;
    for (key in cells) { cells[key].box.setAttribute("fill", cells[key].fill); }
    for (key in gates) { gates[key].ellipse.setAttribute("fill", gates[key].fill); }
    for (k = 0; k < questions.length; k++) {
      q = questions[k];
      var fill = status[q.letter] === "right" ? data.right_fill
        : status[q.letter] === "wrong" ? data.wrong_fill : null;
      var known = status[q.letter] === "right" || status[q.letter] === "shown";
      for (i = 0; i < q.cells.length; i++) {
        var cell = cells[q.cells[i]];
        if (fill) { cell.box.setAttribute("fill", fill); }
        cell.text.textContent = known ? q.shown : cell.blank;
        cell.text.setAttribute("fill", known ? q.colour : cell.colour);
      }
    }
    if (active !== null) {
      var marks = data.marks[active] || {};
      for (key in marks.f || {}) { cells[key].box.setAttribute("fill", marks.f[key]); }
      for (key in marks.g || {}) { gates[key].ellipse.setAttribute("fill", marks.g[key]); }
    }
    var right = 0;
    for (k in status) { right += status[k] === "right" ? 1 : 0; }
    score.textContent = right + " of " + questions.length + " right";
    document.body.setAttribute("data-right", String(right));
  }

  function parse(text) {
    text = text.trim().replace(/\u2212/g, "-").replace(/\s+/g, "");
    if (text.indexOf(",") >= 0 && text.indexOf(".") < 0) { text = text.replace(",", "."); }
    if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) { return null; }
    return Number(text);
  }

  function check(letter) {
    var q = byLetter[letter];
    var input = document.getElementById("answer-" + letter);
    var feedback = document.getElementById("feedback-" + letter);
    var item = document.getElementById("item-" + letter);
    var typed = parse(input.value);
    item.classList.remove("right", "wrong");
    feedback.classList.remove("right", "wrong");
    if (typed === null) {
      feedback.textContent = "type a number, such as -0.53";
      delete status[letter];
      paint();
      return false;
    }
    var right = Math.abs(typed - q.answer) <= q.tolerance;
    status[letter] = right ? "right" : "wrong";
    item.classList.add(right ? "right" : "wrong");
    feedback.classList.add(right ? "right" : "wrong");
    feedback.textContent = right ? "\u2713 right: " + q.shown
      : "\u2717 not " + input.value.trim() + ". " + q.hint;
    paint();
    return right;
  }

  function next(letter) {
    var k = questions.indexOf(byLetter[letter]);
    for (var step = 1; step <= questions.length; step++) {
      var q = questions[(k + step) % questions.length];
      if (status[q.letter] !== "right" && status[q.letter] !== "shown") {
        document.getElementById("answer-" + q.letter).focus();
        return;
      }
    }
  }

  questions.forEach(function (q) {
    byLetter[q.letter] = q;
    var input = document.getElementById("answer-" + q.letter);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        if (check(q.letter)) { next(q.letter); }
      }
    });
    input.addEventListener("focus", function () {
      active = q.letter;
      paint();
      // a wide drawing scrolls sideways: bring the blank's cell into view (only sideways, so
      // the field being typed in stays where it is)
      var figure = document.getElementById("diagram");
      var cell = cells[q.cells[0]].box.getBoundingClientRect();
      var frame = figure.getBoundingClientRect();
      if (cell.left < frame.left || cell.right > frame.right) {
        figure.scrollLeft += (cell.left + cell.right) / 2 - (frame.left + frame.right) / 2;
      }
    });
    document.getElementById("check-" + q.letter).addEventListener("click", function () {
      active = q.letter;
      check(q.letter);
    });
  });
  document.getElementById("quiz").addEventListener("submit", function (event) {
    event.preventDefault();
  });
  document.getElementById("reveal").addEventListener("click", function () {
    questions.forEach(function (q) {
      if (status[q.letter] !== "right") {
        status[q.letter] = "shown";
        var feedback = document.getElementById("feedback-" + q.letter);
        feedback.classList.remove("right", "wrong");
        feedback.textContent = q.shown + ": " + q.hint;
      }
    });
    paint();
  });
  document.getElementById("again").addEventListener("click", function () {
    status = {};
    active = null;
    questions.forEach(function (q) {
      document.getElementById("answer-" + q.letter).value = "";
      document.getElementById("item-" + q.letter).classList.remove("right", "wrong");
      var feedback = document.getElementById("feedback-" + q.letter);
      feedback.classList.remove("right", "wrong");
      feedback.textContent = "";
    });
    paint();
    if (questions.length) { document.getElementById("answer-" + questions[0].letter).focus(); }
  });
  paint();
})();

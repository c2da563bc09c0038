(function () {
  "use strict";
  document.body.classList.add("scripted");  // without a script, the caption list shows instead
  var data = JSON.parse(document.getElementById("frames").textContent);
  var captions = data.captions;
  var changes = data.changes;
  var last = captions.length - 1;
  var slider = document.getElementById("slider");
  var counter = document.getElementById("counter");
  var caption = document.getElementById("caption");
  var playButton = document.getElementById("play");
  var delay = Number(document.body.getAttribute("data-delay")) || 1200;
  var timer = null;
  var shown = 0;

  // Every changing part of the drawing, by key, and how frame 0 shows it.
  var parts = { t: {}, f: {}, g: {} };
  var initial = { t: {}, f: {}, g: {} };
  function collect(prefix, kind, read) {
    var found = document.querySelectorAll('[id^="' + prefix + '"]');
    for (var i = 0; i < found.length; i++) {
      var key = found[i].id.slice(prefix.length);
      var element = kind === "t" ? found[i].lastElementChild : found[i];
      parts[kind][key] = element;
      initial[kind][key] = read(element);
    }
  }
  function fill(element) { return element.getAttribute("fill"); }
  collect("t-", "t", function (element) { return element.textContent; });
  collect("b-", "f", fill);
  collect("e-", "g", fill);

  function apply(change) {
    var key;
    for (key in change.t || {}) { parts.t[key].textContent = change.t[key]; }
    for (key in change.f || {}) { parts.f[key].setAttribute("fill", change.f[key]); }
    for (key in change.g || {}) { parts.g[key].setAttribute("fill", change.g[key]); }
  }
  // A drawing wider than the window scrolls sideways: bring what a frame changed into view.
  var figure = document.getElementById("diagram");
  function follow(change) {
    if (figure.scrollWidth <= figure.clientWidth) {
      return;
    }
    var left = Infinity;
    var right = -Infinity;
    ["t", "f", "g"].forEach(function (kind) {
      for (var key in change[kind] || {}) {
        var box = parts[kind][key].getBoundingClientRect();
        left = Math.min(left, box.left);
        right = Math.max(right, box.right);
      }
    });
    var frame = figure.getBoundingClientRect();
    if (left < frame.left || right > frame.right) {
      figure.scrollLeft += (left + right) / 2 - (frame.left + frame.right) / 2;
    }
  }
  function show(k) {
    k = Math.max(0, Math.min(last, k));
    if (k < shown) {
      apply(initial);
      shown = 0;
    }
    while (shown < k) {
      apply(changes[shown]);
      shown += 1;
    }
    slider.value = String(k);
    counter.textContent = k + " / " + last;
    caption.textContent = captions[k];
    document.body.setAttribute("data-frame", String(k));
    if (k > 0) {
      follow(changes[k - 1]);
    }
  }
  function current() {
    return Number(slider.value);
  }
  function setPlaying(playing) {
    playButton.classList.toggle("playing", playing);
    playButton.querySelector("span").textContent = playing ? "pause" : "play";
    playButton.setAttribute("aria-label", playing ? "pause" : "play");
  }
  function stop() {
    if (timer !== null) {
      clearInterval(timer);
      timer = null;
    }
    setPlaying(false);
  }
  function play() {
    if (timer !== null) {
      stop();
      return;
    }
    if (current() >= last) {
      show(0);
    }
    setPlaying(true);
    timer = setInterval(function () {
      if (current() >= last) {
        stop();
      } else {
        show(current() + 1);
      }
    }, delay);
  }
  function go(k) {
    stop();
    show(k);
  }

  slider.addEventListener("input", function () { go(current()); });
  document.getElementById("first").addEventListener("click", function () { go(0); });
  document.getElementById("previous").addEventListener("click", function () { go(current() - 1); });
  document.getElementById("next").addEventListener("click", function () { go(current() + 1); });
  document.getElementById("last").addEventListener("click", function () { go(last); });
  playButton.addEventListener("click", play);
  document.addEventListener("keydown", function (event) {
    if (event.target === slider && event.key.indexOf("Arrow") === 0) {
      return;  // the slider moves itself and reports an input event
    }
    if (event.key === "ArrowRight" || event.key === "ArrowDown") {
      go(current() + 1);
    } else if (event.key === "ArrowLeft" || event.key === "ArrowUp") {
      go(current() - 1);
    } else if (event.key === "Home") {
      go(0);
    } else if (event.key === "End") {
      go(last);
    } else if (event.key === " " && event.target.tagName !== "BUTTON") {
      play();
    } else {
      return;
    }
    event.preventDefault();
  });
  show(0);
})();

(function () {
  "use strict";
  var frames = document.querySelectorAll(".frame");
  var slider = document.getElementById("slider");
  var counter = document.getElementById("counter");
  var playButton = document.getElementById("play");
  var delay = Number(document.body.getAttribute("data-delay")) || 1200;
  var last = frames.length - 1;
  var timer = null;

  function current() {
    return Number(slider.value);
  }
  function show(k) {
    k = Math.max(0, Math.min(last, k));
    for (var i = 0; i < frames.length; i++) {
      frames[i].hidden = i !== k;
    }
    slider.value = String(k);
    counter.textContent = "step " + k + " of " + last;
    document.body.setAttribute("data-frame", String(k));
  }
  function stop() {
    if (timer !== null) {
      clearInterval(timer);
      timer = null;
    }
    playButton.textContent = "\u25B6 play";
  }
  function play() {
    if (timer !== null) {
      stop();
      return;
    }
    if (current() >= last) {
      show(0);
    }
    playButton.textContent = "\u275A\u275A pause";
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

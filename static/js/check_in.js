// Check-in by camera: where the browser has the Barcode Detection API (Chrome and Edge on
// Android), read the QR code (a booking's, or a counter visit's: the form's
// data-scan-prefix says which) and send the form. Without it, or without a camera, the page
// is the plain form where staff type the number, or a USB QR scanner types it for them.
(function () {
  "use strict";
  var form = document.getElementById("check-in-form");
  var box = document.getElementById("scanner");
  var video = document.getElementById("scanner-video");
  if (!form || !box || !video || !("BarcodeDetector" in window) || !navigator.mediaDevices) {
    return;
  }
  var input = form.querySelector("input[name=code]");
  var prefix = form.dataset.scanPrefix || "MINATO-BOOKING:";
  var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
  navigator.mediaDevices
    .getUserMedia({ video: { facingMode: "environment" }, audio: false })
    .then(function (stream) {
      box.hidden = false;
      video.srcObject = stream;
      return video.play().then(function () {
        var timer = window.setInterval(function () {
          detector.detect(video).then(function (codes) {
            var found = codes.find(function (code) {
              return code.rawValue.indexOf(prefix) === 0;
            });
            if (found) {
              window.clearInterval(timer);
              stream.getTracks().forEach(function (track) { track.stop(); });
              input.value = found.rawValue;
              form.submit();
            }
          });
        }, 300);
      });
    })
    .catch(function () {
      box.hidden = true; // no camera, or permission refused: typing still works
    });
})();

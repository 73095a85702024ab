// Progress bar of a long job (core/_job_progress.html): polls its small JSON status until
// the job is done or failed, then shows the download link or what went wrong.
(function () {
  "use strict";
  function watch(box) {
    var url = box.getAttribute("data-job-status-url");
    var bar = box.querySelector("progress");
    var percent = box.querySelector("[data-job-percent]");
    var state = box.querySelector("[data-job-state]");
    var step = box.querySelector("[data-job-step]");
    var summary = box.querySelector("[data-job-summary]");
    var link = box.querySelector("[data-job-download]");
    var details = box.querySelector("[data-job-details]");
    var wait = 700;
    function show(data) {
      bar.value = data.percent;
      bar.textContent = data.percent + " %";
      percent.textContent = data.percent + " %";
      state.textContent = data.status_label;
      step.textContent = data.step;
      box.setAttribute("data-job-status", data.status);
      if (!data.finished) return false;
      summary.textContent = data.summary;
      if (data.download_url) {
        link.href = data.download_url;
        link.textContent = "Tải về tệp kết quả (" + data.download_name + ")";
        link.hidden = false;
      }
      details.textContent = "";
      (data.details || []).forEach(function (line) {
        var item = document.createElement("li");
        item.textContent = line;
        details.appendChild(item);
      });
      box.setAttribute("data-job-finished", "1");
      return true;
    }
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) {
          return r.json().then(function (body) { return { ok: r.ok, body: body }; });
        })
        .then(function (r) {
          if (!r.ok) {
            step.textContent = r.body.message || "Không đọc được tiến độ.";
            return;
          }
          if (!show(r.body)) {
            wait = Math.min(wait * 1.3, 3000);
            window.setTimeout(poll, wait);
          }
        })
        .catch(function () {
          step.textContent = "Mất kết nối, đang thử lại…";
          window.setTimeout(poll, 3000);
        });
    }
    if (box.getAttribute("data-job-finished") !== "1") poll();
  }
  document.querySelectorAll("[data-job-status-url]").forEach(watch);
})();

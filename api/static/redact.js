// 区分处理: drag rectangles on the page pictures, or add areas by coordinates and text marks with the
// keyboard; each mark takes the ground selected when it is made. The marks go to the server as JSON in
// the hidden "marks" field, in the units the server gave each page (PDF points or image pixels).
(function () {
  "use strict";
  var form = document.getElementById("redact-form");
  if (!form) return;
  var marks = [];
  var field = document.getElementById("marks-json");
  var list = document.getElementById("mark-list");
  var ground = document.getElementById("ground");

  function groundLabel(code) {
    var opt = ground.querySelector('option[value="' + code + '"]');
    return opt ? opt.textContent : code;
  }
  function round(v) { return Math.round(v * 100) / 100; }
  function figure(page) { return document.querySelector('.redact-page[data-page="' + page + '"]'); }

  function redraw() {
    document.querySelectorAll(".redact-box").forEach(function (b) { b.remove(); });
    list.textContent = "";
    marks.forEach(function (m, i) {
      var li = document.createElement("li");
      li.textContent = (m.text !== undefined ? "文字“" + m.text + "”" :
        "第" + m.page + "页 区域 [" + m.rect.join(", ") + "]") + " — " + groundLabel(m.ground) + " ";
      var del = document.createElement("button");
      del.type = "button"; del.className = "secondary"; del.textContent = "删除";
      del.setAttribute("aria-label", "删除第" + (i + 1) + "处标注");
      del.addEventListener("click", function () { marks.splice(i, 1); redraw(); });
      li.appendChild(del);
      list.appendChild(li);
      if (m.rect) {
        var fig = figure(m.page);
        if (!fig) return;
        var w = parseFloat(fig.dataset.width), h = parseFloat(fig.dataset.height);
        var box = document.createElement("div");
        box.className = "redact-box";
        box.style.left = (m.rect[0] / w * 100) + "%";
        box.style.top = (m.rect[1] / h * 100) + "%";
        box.style.width = ((m.rect[2] - m.rect[0]) / w * 100) + "%";
        box.style.height = ((m.rect[3] - m.rect[1]) / h * 100) + "%";
        fig.appendChild(box);
      }
    });
    field.value = JSON.stringify(marks);
    document.getElementById("mark-count").textContent = marks.length;
  }

  function addArea(page, x0, y0, x1, y1) {
    var rect = [Math.min(x0, x1), Math.min(y0, y1), Math.max(x0, x1), Math.max(y0, y1)].map(round);
    if (rect[2] - rect[0] < 1 || rect[3] - rect[1] < 1) return;
    marks.push({page: page, rect: rect, ground: ground.value});
    redraw();
  }

  document.querySelectorAll(".redact-page").forEach(function (fig) {
    var img = fig.querySelector("img");
    var start = null, live = null;
    function units(ev) {
      var r = img.getBoundingClientRect();
      var w = parseFloat(fig.dataset.width), h = parseFloat(fig.dataset.height);
      return [Math.max(0, Math.min(w, (ev.clientX - r.left) * w / r.width)),
              Math.max(0, Math.min(h, (ev.clientY - r.top) * h / r.height))];
    }
    fig.addEventListener("pointerdown", function (ev) {
      if (ev.button !== 0) return;
      ev.preventDefault();
      start = units(ev);
      live = document.createElement("div");
      live.className = "redact-box";
      fig.appendChild(live);
      fig.setPointerCapture(ev.pointerId);
    });
    fig.addEventListener("pointermove", function (ev) {
      if (!start) return;
      var p = units(ev), w = parseFloat(fig.dataset.width), h = parseFloat(fig.dataset.height);
      live.style.left = (Math.min(start[0], p[0]) / w * 100) + "%";
      live.style.top = (Math.min(start[1], p[1]) / h * 100) + "%";
      live.style.width = (Math.abs(p[0] - start[0]) / w * 100) + "%";
      live.style.height = (Math.abs(p[1] - start[1]) / h * 100) + "%";
    });
    fig.addEventListener("pointerup", function (ev) {
      if (!start) return;
      var p = units(ev), s = start;
      start = null;
      live.remove();
      addArea(parseInt(fig.dataset.page, 10), s[0], s[1], p[0], p[1]);
    });
  });

  document.getElementById("add-area").addEventListener("click", function () {
    var v = ["area-x0", "area-y0", "area-x1", "area-y1"].map(function (id) {
      return parseFloat(document.getElementById(id).value);
    });
    if (v.some(isNaN)) { alert("请填写区域的四个坐标"); return; }
    addArea(parseInt(document.getElementById("area-page").value, 10) || 1, v[0], v[1], v[2], v[3]);
  });
  document.getElementById("add-text").addEventListener("click", function () {
    var input = document.getElementById("mark-text");
    var text = input.value.trim();
    if (!text) { input.focus(); return; }
    marks.push({text: text, ground: ground.value});
    input.value = "";
    redraw();
  });
  document.getElementById("mark-text").addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") { ev.preventDefault(); document.getElementById("add-text").click(); }
  });
  form.addEventListener("submit", function (ev) {
    if (!marks.length) { ev.preventDefault(); alert("请至少标注一处需要区分处理的内容"); }
  });
})();

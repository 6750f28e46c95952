// Confirmation before irreversible steps: a form with data-confirm="…" opens a
// dialog that states what will happen; the form is submitted only on 确定.
(function () {
  document.addEventListener('submit', function (ev) {
    var form = ev.target;
    var text = form.getAttribute('data-confirm');
    if (!text || form.dataset.confirmed === '1') return;
    ev.preventDefault();
    var dlg = document.createElement('dialog');
    dlg.className = 'confirm';
    var title = document.createElement('h2');
    title.textContent = form.getAttribute('data-confirm-title') || '请确认';
    var p = document.createElement('p');
    p.textContent = text;
    var buttons = document.createElement('div');
    buttons.className = 'buttons';
    var cancel = document.createElement('button');
    cancel.type = 'button'; cancel.className = 'btn'; cancel.textContent = '取消';
    var ok = document.createElement('button');
    ok.type = 'button'; ok.className = 'btn primary'; ok.textContent = '确定';
    buttons.append(cancel, ok);
    dlg.append(title, p, buttons);
    document.body.append(dlg);
    cancel.addEventListener('click', function () { dlg.close(); dlg.remove(); });
    ok.addEventListener('click', function () {
      form.dataset.confirmed = '1';
      dlg.close(); dlg.remove();
      form.requestSubmit ? form.requestSubmit() : form.submit();
    });
    dlg.showModal();
  });
})();

// "返回上一页" on error pages: the browser's history, without inline script.
document.addEventListener('click', function (ev) {
  var a = ev.target.closest && ev.target.closest('a[data-back]');
  if (a && history.length > 1) { ev.preventDefault(); history.back(); }
});

// Import progress: while a job runs, poll its state and update the page.
(function () {
  var box = document.getElementById('import-job');
  if (!box) return;
  var id = box.getAttribute('data-job');
  function set(name, text) {
    var el = box.querySelector('[data-field="' + name + '"]');
    if (el) el.textContent = text;
  }
  function poll() {
    fetch('/imports/' + id + '/status', { credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (j) {
        if (!j) return setTimeout(poll, 3000);
        set('status_label', j.status_label);
        set('processed', '已读取 ' + j.processed_rows + ' 行');
        set('imported', j.imported); set('updated', j.updated); set('rejected', j.rejected);
        set('message', j.message);
        var bar = box.querySelector('progress');
        if (j.percent !== null && j.percent !== undefined) bar.value = j.percent; else bar.removeAttribute('value');
        if (j.has_error_report) box.querySelector('[data-field="report"]').classList.remove('hidden');
        if (j.status === 'parsing' || j.status === 'saving') setTimeout(poll, 1000);
        else location.reload();
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  var s = box.getAttribute('data-status');
  if (s === 'parsing' || s === 'saving') setTimeout(poll, 800);
})();

// On a phone a filter bar would fill the first screen: it starts folded
// behind a 筛选 button unless a filter is in use, and the button unfolds it.
(function () {
  if (!window.matchMedia || !window.matchMedia('(max-width: 760px)').matches) return;
  document.querySelectorAll('form.filters').forEach(function (form) {
    var used = Array.prototype.some.call(
      form.querySelectorAll('input:not([type=hidden]), select'),
      function (el) { return el.value !== ''; }
    );
    var btn = document.createElement('button');
    btn.type = 'button';
    btn.className = 'btn filter-toggle';
    btn.setAttribute('aria-expanded', used ? 'true' : 'false');
    function show(open) {
      form.hidden = !open;
      btn.setAttribute('aria-expanded', open ? 'true' : 'false');
      btn.textContent = open ? '收起筛选 ▴' : (used ? '筛选（已使用）▾' : '筛选 ▾');
    }
    btn.addEventListener('click', function () { show(form.hidden); });
    form.parentNode.insertBefore(btn, form);
    show(used);
  });
})();

// Evidence upload on a poor connection: the file goes in 4 MB chunks, each
// retried with growing pauses; after a break the upload resumes from what the
// server already holds (GET …/uploads/<id>), so nothing sent is sent twice.
// Without this script the form still uploads the file in one request.
(function () {
  var CHUNK = 4 * 1024 * 1024;
  function sleep(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }
  document.addEventListener('change', function (ev) {
    var input = ev.target;
    if (!input.form || !input.form.classList.contains('uploader') || input.type !== 'file') return;
    // One file at a time: choosing with one button clears the others.
    input.form.querySelectorAll('input[type=file]').forEach(function (o) { if (o !== input) o.value = ''; });
    var status = input.form.querySelector('.upload-status');
    if (status && input.files[0]) status.textContent = '已选择：' + input.files[0].name;
  });
  document.addEventListener('submit', function (ev) {
    var form = ev.target;
    if (!form.classList.contains('uploader') || !window.fetch || !window.Blob) return;
    var file = null;
    form.querySelectorAll('input[type=file]').forEach(function (i) { if (!file && i.files && i.files[0]) file = i.files[0]; });
    if (!file) return;
    ev.preventDefault();
    var base = '/teams/' + form.dataset.team + '/uploads';
    var csrf = form.querySelector('input[name=_csrf]').value;
    var note = form.querySelector('input[name=note]').value;
    var bar = form.querySelector('progress');
    var status = form.querySelector('.upload-status');
    var button = form.querySelector('button[type=submit]');
    var headers = { 'X-CSRF-Token': csrf };
    function say(t) { status.textContent = t; }
    function fail(body) {
      var msg = body && body.error ? body.error.message : '上传失败';
      say(msg); button.disabled = false; bar.hidden = true;
    }
    async function call(method, url, body, json) {
      var h = Object.assign({}, headers);
      if (json) h['Content-Type'] = 'application/json';
      var res = await fetch(url, { method: method, headers: h, body: body, credentials: 'same-origin' });
      var data = await res.json().catch(function () { return null; });
      return { ok: res.ok, status: res.status, data: data };
    }
    (async function () {
      button.disabled = true; bar.hidden = false; bar.value = 0;
      var begun = await call('POST', base, JSON.stringify({ size: file.size }), true).catch(function () { return null; });
      if (!begun || !begun.ok) return fail(begun && begun.data);
      var id = begun.data.upload_id, offset = 0, pause = 1000;
      while (offset < file.size) {
        var r = await call('PUT', base + '/' + id + '?offset=' + offset, file.slice(offset, offset + CHUNK), false)
          .catch(function () { return null; });
        if (r && r.ok) { offset = r.data.received; pause = 1000; }
        else if (r && r.status >= 400 && r.status < 500 && r.status !== 408 && r.status !== 409) return fail(r.data);
        else {
          say('网络中断，' + Math.round(pause / 1000) + ' 秒后继续上传（已传 ' + Math.round(offset * 100 / file.size) + '%）');
          await sleep(pause); pause = Math.min(pause * 2, 30000);
          var s = await call('GET', base + '/' + id, null, false).catch(function () { return null; });
          if (s && s.ok) offset = s.data.received;
          continue;
        }
        bar.value = Math.round(offset * 100 / file.size);
        say('已上传 ' + bar.value + '%');
      }
      say('正在校验并保存……');
      for (;;) {
        var f = await call('POST', base + '/' + id + '/finish', JSON.stringify({ name: file.name, note: note }), true)
          .catch(function () { return null; });
        if (f && f.ok) { location.href = '/teams/' + form.dataset.team + '/inspection?ok=uploaded#evidence'; return; }
        if (f && f.status !== 409 && f.status < 500) return fail(f.data);
        await sleep(2000);
      }
    })();
  });
})();

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

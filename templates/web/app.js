/* 跟岗研修档案 — the web application of `dangan serve` (spec §8).
 * Plain JavaScript, no build step, nothing fetched from outside the server.
 * The teacher's forms write the XML of the submission format (spec §2) and
 * save whole files with If-Match; the server validates, keeps history and
 * answers with the same check-list `dangan check` prints. */
'use strict';
const NS = 'urn:dangan:1';
const S = { me: null, csrf: '', files: {}, check: null, photos: [], status: 'draft', id: '' };
const STATUS = { draft: '填写中', submitted: '已提交', returned: '已退回', passed: '通过', failed: '未通过' };
const ROOTS = { journal: 'day', observations: 'observation', lessons: 'lesson', reflections: 'reflection' };
const ACTIVITY = { research: '教研活动', class: '班级活动', lecture: '讲座', meeting: '会议', other: '其他' };
const LESSON = { regular: '常规课', report: '汇报课', open: '公开课、观摩课', demo: '示范课' };
const REFLECTION = { teaching: '教学反思', summary: '跟岗心得、学习体会', research: '行动研究报告、研修报告',
  development: '自我专业发展报告', duty: '述职报告', notes: '学习笔记', survey: '调研报告' };

const $ = (s, r) => (r || document).querySelector(s);
function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (v === true) e.setAttribute(k, '');
    else if (v !== false && v != null) e.setAttribute(k, v);
  }
  for (const k of kids.flat()) if (k != null) e.append(k.nodeType ? k : String(k));
  return e;
}
function toast(msg, bad) {
  const t = $('#toast');
  t.textContent = msg;
  t.className = 'show' + (bad ? ' bad' : '');
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { t.className = ''; }, bad ? 6000 : 2500);
}
async function api(method, path, body, headers) {
  const h = Object.assign({}, headers || {});
  if (method !== 'GET' && S.csrf) h['X-CSRF-Token'] = S.csrf;
  if (typeof body === 'object' && !(body instanceof FormData) && !(body instanceof ArrayBuffer) && body != null) {
    body = JSON.stringify(body); h['Content-Type'] = 'application/json';
  }
  let r;
  try { r = await fetch(path, { method, body, headers: h, credentials: 'same-origin' }); }
  catch (e) { return { status: 0, json: { error: '连不上服务器：请检查网络后重试（没有保存的内容仍在表单里）' } }; }
  const type = r.headers.get('Content-Type') || '';
  const out = { status: r.status, headers: r.headers };
  if (type.includes('json')) out.json = await r.json().catch(() => ({}));
  else if (type.startsWith('application/pdf')) out.blob = await r.blob();
  else out.text = await r.text();
  if (r.status === 401 && path !== '/api/login' && path !== '/api/me') { toast('登录已过期，请重新登录', true); showLogin(); }
  return out;
}
function errorOf(r) { return (r.json && r.json.error) || ('服务器错误 ' + r.status); }
function show(name) {
  for (const v of document.querySelectorAll('.view')) v.hidden = v.id !== 'view-' + name;
  $('#logout').hidden = !S.me || name === 'login' || name === 'verify';
}

/* ---- login, password ---- */
function showLogin() { S.me = null; $('#who').textContent = ''; show('login'); }
$('#login-form').addEventListener('submit', async e => {
  e.preventDefault();
  const f = e.target;
  const r = await api('POST', '/api/login', { login: f.login.value.trim(), password: f.password.value });
  $('#login-err').textContent = r.status === 200 ? '' : errorOf(r);
  if (r.status === 200) { f.password.value = ''; start(r.json); }
});
$('#pw-form').addEventListener('submit', async e => {
  e.preventDefault();
  const f = e.target;
  if (f.new.value !== f.again.value) { $('#pw-err').textContent = '两次输入的新密码不一样'; return; }
  const r = await api('POST', '/api/password', { old: f.old.value, new: f.new.value });
  $('#pw-err').textContent = r.status === 200 ? '' : errorOf(r);
  if (r.status === 200) { f.reset(); toast('新密码已保存'); S.me.must_change_password = false; start(S.me); }
});
$('#logout').addEventListener('click', async () => { await api('POST', '/api/logout'); S.csrf = ''; showLogin(); });
$('#btn-password').addEventListener('click', () => { $('#pw-why').textContent = '修改您的登录密码（至少 8 个字符）。'; show('password'); });

async function start(me) {
  S.me = me; S.csrf = me.csrf;
  $('#who').textContent = me.name ? me.name + (me.role === 'clerk' ? '（教务员）' : '') : me.login;
  if (me.must_change_password) { show('password'); return; }
  if (me.role === 'clerk') { show('clerk'); clerkLoad(); } else { show('teacher'); teacherLoad(); }
}

/* ---- XML of the submission format ---- */
const XMLHEAD = '<?xml version="1.0" encoding="UTF-8"?>\n';
function parseXML(text) { return new DOMParser().parseFromString(text, 'application/xml'); }
function serialize(doc) { return XMLHEAD + new XMLSerializer().serializeToString(doc.documentElement) + '\n'; }
function skeleton(root) { return parseXML(XMLHEAD + '<' + root + ' xmlns="' + NS + '">\n</' + root + '>'); }
function kids(node, name) { return Array.from(node ? node.children : []).filter(c => c.localName === name); }
function kid(node, name) { return kids(node, name)[0] || null; }
function txt(node, name) { const k = kid(node, name); return k ? k.textContent.trim() : ''; }
function add(doc, parent, name, text, attrs) {
  const e = doc.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== '' && v != null) e.setAttribute(k, v);
  if (text != null) e.textContent = text;
  parent.append(e);
  return e;
}
function addIf(doc, parent, name, text) { if (text && text.trim()) add(doc, parent, name, text.trim()); }
/* Blocks as text a teacher can edit (and paste into from Word/WPS): one
 * paragraph per line; "- " lines a list; [图:figures/x.jpg:说明] a photo. */
function blocksToText(node) {
  const out = [];
  for (const c of node ? node.children : []) {
    if (c.localName === 'p') out.push(c.textContent.trim());
    else if (c.localName === 'list') for (const i of kids(c, 'item')) out.push('- ' + i.textContent.trim());
    else if (c.localName === 'figure') out.push('[图:' + c.getAttribute('src') + ':' + txt(c, 'caption') + ']');
  }
  return out.join('\n');
}
function textToBlocks(doc, parent, text) {
  let list = null;
  for (let line of String(text).replace(/\r\n?/g, '\n').split('\n')) {
    line = line.replace(/\u00a0/g, ' ').trim();
    if (!line) continue;
    const fig = /^\[图:(figures\/[^:\]]+):?([^\]]*)\]$/.exec(line);
    const item = /^(?:-|•|·|●)\s*(.+)$/.exec(line);
    if (item) { if (!list) list = add(doc, parent, 'list'); add(doc, list, 'item', item[1]); continue; }
    list = null;
    if (fig) { const f = add(doc, parent, 'figure', null, { src: fig[1] }); addIf(doc, f, 'caption', fig[2]); }
    else add(doc, parent, 'p', line);
  }
  return parent;
}
/* Line of each record's start tag, so a finding (file, line) finds its record. */
function recordLines(text, name) {
  const lines = [], re = new RegExp('<' + name + '[\\s>/]', 'g');
  let m, line = 1, at = 0;
  while ((m = re.exec(text))) { for (; at < m.index; at++) if (text[at] === '\n') line++; lines.push(line); }
  return lines;
}

/* ---- teacher: files ---- */
function fileOf(root) { return S.files[root] || (S.files[root] = { name: root + '.xml', etag: null, text: '' }); }
function docOf(root) { const f = fileOf(root); return f.text ? parseXML(f.text) : skeleton(root); }
async function teacherLoad() {
  S.id = S.me.placement;
  S.files = {};
  const [subs, list] = await Promise.all([api('GET', '/api/submissions'), api('GET', '/api/submissions/' + S.id + '/files')]);
  if (subs.status !== 200 || list.status !== 200) return;   /* logged out meanwhile */
  const me = subs.json[0] || {};
  S.status = me.status || 'draft';
  $('#t-status').textContent = STATUS[S.status] || S.status;
  $('#t-status').className = 'badge ' + S.status;
  $('#t-reason').textContent = S.status === 'returned' && me.reason ? '退回原因：' + me.reason : '';
  const editable = S.status === 'draft' || S.status === 'returned';
  $('#btn-submit').disabled = !editable;
  for (const f of list.json) {
    const root = f.root === 'placement' ? 'placement' : f.root;
    if (S.files[root] || !(root in ROOTS || root === 'placement')) continue;
    const r = await api('GET', '/api/submissions/' + S.id + '/files/' + f.name);
    S.files[root] = { name: f.name, etag: r.headers.get('ETag'), text: r.text };
  }
  await loadPhotos();
  renderAll();
  refreshCheck();
}
async function save(root, doc) {
  const f = fileOf(root);
  const h = f.etag ? { 'If-Match': f.etag } : {};
  const text = serialize(doc);
  const r = await api('PUT', '/api/submissions/' + S.id + '/files/' + f.name, text, Object.assign(h, { 'Content-Type': 'application/xml' }));
  if (r.status === 200) {
    f.etag = r.headers.get('ETag'); f.text = text;
    renderCheck(r.json); toast('已保存');
    return true;
  }
  if (r.status === 412) {
    if (r.json.xml) { f.text = r.json.xml; f.etag = r.json.etag; } else { f.text = ''; f.etag = null; }
    toast('这个文件已在另一个窗口或设备上改过：已载入最新内容，表单里是您刚才填的，请再按一次保存', true);
    renderTab(root, true);
    return false;
  }
  if (r.status === 422) {
    const m = (r.json.findings || []).map(x => (x.line ? '第 ' + x.line + ' 行：' : '') + x.message).join('；');
    toast('没有保存：' + m, true);
    return false;
  }
  toast('没有保存：' + errorOf(r), true);
  return false;
}
async function refreshCheck() {
  const r = await api('GET', '/api/submissions/' + S.id + '/check');
  if (r.status === 200) renderCheck(r.json);
}
function renderRows(ul, rows) {
  ul.replaceChildren(...rows.map(w => el('li', { class: w.met ? 'met' : 'unmet' },
    el('b', {}, w.met ? '✓' : '✗'), w.label, el('span', {}, '实际 ' + w.actual + '，要求 ' + w.required))));
}
function renderFindings(ul, findings, link) {
  ul.replaceChildren(...(findings.length ? findings : [null]).map(x => x === null ? el('li', {}, '没有问题。') :
    el('li', { class: x.severity }, el('a', { href: '#', onclick: e => { e.preventDefault(); if (link) goTo(x); } },
      (x.severity === 'error' ? '错误' : '提醒') + '：' + x.message), x.file ? el('small', {}, ' ' + x.file + (x.line ? ':' + x.line : '')) : null)));
}
function renderCheck(j) {
  S.check = j;
  const errors = j.findings.filter(x => x.severity === 'error').length;
  $('#req-summary').textContent = j.ok ? '符合全部要求' + (j.outcome ? '（' + j.outcome + '）' : '') + '，可以提交。'
    : '还有 ' + errors + ' 处不符合要求（点一条去修改）。';
  renderRows($('#req-rows'), j.rows || []);
  renderFindings($('#req-findings'), j.findings, true);
  renderCalendar();
}
/* The form field a finding is about, by its code or rule. */
const FIELD = { 'comment.missing': 'comment', 'date.outside': 'date', 'date.holiday': 'date', 'date.clash': 'period',
  'length.short': 'text', 'profile.unknown': 'profile' };
const PLACEMENT_FIELD = { age: 't.born', 'teaching-years': 't.work-start', rank: 't.rank', education: 't.education',
  'years-at-school': 't.years-at-school', 'weekly-periods': 't.weekly-periods', gender: 't.gender', period: 'start', window: 'start' };
function focusField(form, x) {
  if (!form) return;
  const name = form === $('#tab-placement form') ? PLACEMENT_FIELD[(x.rule || '').split(/[<>=]/)[0]] || (x.code.startsWith('date.') ? 'start' : null) : FIELD[x.code];
  const e = name && form.elements[name];
  if (e) { e.focus(); e.scrollIntoView({ block: 'center' }); }
}
function goTo(x) {
  const file = x.file, line = x.line;
  const root = Object.keys(S.files).find(r => S.files[r].name === file) || (file === 'placement.xml' ? 'placement' : null);
  if (!root) { toast('这条是关于整份材料的：' + (file || x.message)); return; }
  tab(root);
  if (root === 'placement') { focusField($('#tab-placement form'), x); return; }
  if (!line) return;
  const lines = recordLines(fileOf(root).text, ROOTS[root]);
  let i = -1;
  lines.forEach((l, k) => { if (l <= line) i = k; });
  if (i >= 0) { editRecord(root, i); focusField($('#tab-' + root + ' form'), x); }
}

/* ---- tabs ---- */
for (const b of document.querySelectorAll('.tabs button')) b.addEventListener('click', () => tab(b.dataset.tab));
function tab(name) {
  for (const b of document.querySelectorAll('.tabs button')) b.classList.toggle('on', b.dataset.tab === name);
  for (const t of document.querySelectorAll('.tab')) t.classList.toggle('on', t.id === 'tab-' + name);
}
function renderAll() {
  for (const r of ['placement', 'journal', 'observations', 'lessons', 'reflections']) renderTab(r);
  renderPhotos();
  tab(fileOf('placement').text ? 'calendar' : 'placement');
}
function renderTab(root, keepForm) {
  if (root === 'placement') return renderPlacement();
  const sec = $('#tab-' + root);
  const form = keepForm ? $('form', sec) : null;
  const recs = kids(docOf(root).documentElement, ROOTS[root]);
  const ul = el('ul', { class: 'records' }, recs.map((n, i) => el('li', {}, el('span', {}, summary(root, n)),
    el('button', { class: 'plain', onclick: () => editRecord(root, i) }, '修改'),
    el('button', { class: 'plain', onclick: () => removeRecord(root, i) }, '删除'))));
  const title = { journal: '研修日志', observations: '听课记录', lessons: '教案', reflections: '反思与总结' }[root];
  sec.replaceChildren(el('h2', {}, title + '（' + recs.length + '）'),
    el('button', { onclick: () => editRecord(root, -1) }, '新增一条'), ul, form || el('div', { class: 'form-slot' }));
}
function summary(root, n) {
  const d = n.getAttribute('date') || '';
  if (root === 'journal') return d + ' 日志' + (kids(n, 'activity').length ? '（' + kids(n, 'activity').length + ' 项活动）' : '');
  if (root === 'reflections') return d + ' ' + (REFLECTION[n.getAttribute('kind')] || '') + '：' + txt(n, 'title');
  return d + ' 第' + n.getAttribute('period') + '节 ' + txt(n, 'topic') + (root === 'lessons' ? '（' + (LESSON[n.getAttribute('kind')] || '') + '）' : '');
}
async function removeRecord(root, i) {
  if (!confirm('删除这一条？（服务器会保留删除前的版本）')) return;
  const doc = docOf(root);
  const n = kids(doc.documentElement, ROOTS[root])[i];
  if (n.previousSibling && n.previousSibling.nodeType === 3) n.previousSibling.remove();
  n.remove();
  if (await save(root, doc)) renderTab(root);
}

/* ---- forms ---- */
function field(label, name, value, attrs) {
  return el('label', {}, label, el('input', Object.assign({ name, value: value || '' }, attrs || {})));
}
function area(label, name, value, rows, attrs) {
  const t = el('textarea', Object.assign({ name, rows: rows || 4 }, attrs || {}));
  t.value = value || '';
  return el('label', {}, label, t);
}
function select(label, name, options, value) {
  return el('label', {}, label, el('select', { name }, Object.entries(options).map(([k, v]) =>
    el('option', { value: k, selected: k === value }, v))));
}
function photoPicker(form) {
  if (!S.photos.length) return el('p', { class: 'hint' }, '可在“照片”页上传照片，再插入到正文里。');
  return el('label', {}, '插入照片', el('select', { onchange: e => {
    if (!e.target.value) return;
    const t = form.querySelector('textarea[name=text]');
    t.value += (t.value && !t.value.endsWith('\n') ? '\n' : '') + '[图:' + e.target.value + ':照片说明]';
    e.target.value = '';
  } }, el('option', { value: '' }, '选择一张已上传的照片…'), S.photos.map(p => el('option', { value: p }, p))));
}
const PASTE_HINT = '每段一行（从 Word/WPS 复制过来会保留分段）；以“- ”开头的行是列表。';
function editRecord(root, i) {
  const doc = docOf(root);
  const n = i >= 0 ? kids(doc.documentElement, ROOTS[root])[i] : null;
  const sec = $('#tab-' + root);
  sec.querySelectorAll('.records li').forEach((li, k) => li.classList.toggle('hl', k === i));
  const form = el('form', { class: 'card' });
  const builders = { journal: journalForm, observations: observationForm, lessons: lessonForm, reflections: reflectionForm };
  form.append(el('h3', {}, i >= 0 ? '修改' : '新增'), ...builders[root](n, form),
    el('div', { class: 'actions' }, el('button', { type: 'submit' }, '保存'),
      el('button', { type: 'button', class: 'plain', onclick: () => form.remove() }, '取消')));
  form.addEventListener('submit', async e => {
    e.preventDefault();
    const d = docOf(root);
    const all = kids(d.documentElement, ROOTS[root]);
    const fresh = d.createElementNS(NS, ROOTS[root]);
    writers[root](d, fresh, form);
    if (i >= 0 && all[i]) all[i].replaceWith(fresh);
    else insertByDate(d, fresh, all);
    if (await save(root, d)) { renderTab(root); if (root === 'journal' || root === 'observations') renderCalendar(); }
  });
  const slot = $('form', sec) || $('.form-slot', sec);
  slot.replaceWith(form);
  tab(root);
  form.scrollIntoView({ block: 'nearest' });
  const first = form.querySelector('input,textarea');
  if (first) first.focus();
}
function insertByDate(doc, node, all) {
  const key = (node.getAttribute('date') || '') + String(node.getAttribute('period') || '').padStart(2, '0');
  const after = all.find(n => (n.getAttribute('date') || '') + String(n.getAttribute('period') || '').padStart(2, '0') > key);
  const nl = doc.createTextNode('\n  ');
  if (after) { doc.documentElement.insertBefore(nl, after); doc.documentElement.insertBefore(node, after); }
  else { doc.documentElement.append(nl, node, doc.createTextNode('\n')); }
}
function dateDefault(n) { return n ? n.getAttribute('date') : (editRecord.date || ''); }
function journalForm(n, form) {
  const acts = el('div', { class: 'acts' });
  const addAct = (kind, text) => acts.append(el('div', { class: 'rowline' }, select('活动类别', 'akind', ACTIVITY, kind),
    field('活动内容', 'atext', text), el('button', { type: 'button', class: 'plain', onclick: e => e.target.parentNode.remove() }, '删去')));
  for (const a of kids(n, 'activity')) addAct(a.getAttribute('kind'), a.textContent.trim());
  const rest = n ? n.cloneNode(true) : null;
  if (rest) kids(rest, 'activity').forEach(a => a.remove());
  return [field('日期', 'date', dateDefault(n), { type: 'date', required: true }),
    el('h3', {}, '当天参加的活动'), acts,
    el('button', { type: 'button', class: 'plain', onclick: () => addAct('research', '') }, '添加一项活动'),
    area('日志正文', 'text', blocksToText(rest), 8, { placeholder: PASTE_HINT }), el('p', { class: 'hint' }, PASTE_HINT),
    photoPicker(form)];
}
function observationForm(n) {
  return [el('div', { class: 'grid2' }, field('日期', 'date', dateDefault(n), { type: 'date', required: true }),
    field('第几节课', 'period', n ? n.getAttribute('period') : '', { type: 'number', min: 1, max: 12, required: true }),
    field('班级', 'class', txt(n, 'class'), { placeholder: '如 五年级(1)班' }), field('学科', 'subject', txt(n, 'subject')),
    field('授课教师', 'teacher', txt(n, 'teacher')), field('课题', 'topic', txt(n, 'topic'), { required: true })),
  area('听课笔记', 'notes', blocksToText(kid(n, 'notes')), 6, { required: true, placeholder: PASTE_HINT }),
  area('评课意见（评课）', 'comment', blocksToText(kid(n, 'comment')), 4)];
}
function lessonForm(n) {
  const steps = el('div', { class: 'steps' });
  const addStep = (title, min, text) => steps.append(el('fieldset', {}, el('legend', {}, '教学环节'),
    el('div', { class: 'grid2' }, field('环节名称', 'stitle', title, { required: true }), field('分钟', 'smin', min, { type: 'number', min: 1, max: 240 })),
    area('环节内容', 'stext', text, 3), el('button', { type: 'button', class: 'plain', onclick: e => e.target.parentNode.remove() }, '删去这个环节')));
  for (const s of kids(kid(n, 'process'), 'step')) addStep(s.getAttribute('title'), s.getAttribute('minutes'), blocksToText(s));
  if (!n) addStep('导入新课', '', '');
  return [el('div', { class: 'grid2' }, field('日期', 'date', dateDefault(n), { type: 'date', required: true }),
    field('第几节课', 'period', n ? n.getAttribute('period') : '', { type: 'number', min: 1, max: 12, required: true }),
    select('课型', 'kind', LESSON, n ? n.getAttribute('kind') : 'regular'), field('班级', 'class', txt(n, 'class')),
    field('学科', 'subject', txt(n, 'subject')), field('课题', 'topic', txt(n, 'topic'), { required: true })),
  area('教学目标（每行一条）', 'objectives', kids(kid(n, 'objectives'), 'item').map(x => x.textContent.trim()).join('\n') || blocksToText(kid(n, 'objectives')), 3),
  area('教学重点', 'key-points', blocksToText(kid(n, 'key-points')), 2), area('教学难点', 'difficulties', blocksToText(kid(n, 'difficulties')), 2),
  el('h3', {}, '教学过程'), steps, el('button', { type: 'button', class: 'plain', onclick: () => addStep('', '', '') }, '添加一个环节'),
  area('板书设计', 'board', blocksToText(kid(n, 'board')), 2), area('课堂教学实录', 'record', blocksToText(kid(n, 'record')), 3),
  area('教学反思（课后）', 'afterthought', blocksToText(kid(n, 'afterthought')), 3)];
}
function reflectionForm(n, form) {
  const body = n ? n.cloneNode(true) : null;
  if (body) kids(body, 'title').forEach(t => t.remove());
  return [el('div', { class: 'grid2' }, field('日期', 'date', dateDefault(n), { type: 'date', required: true }),
    select('类型', 'kind', REFLECTION, n ? n.getAttribute('kind') : 'teaching')),
  field('标题', 'title', txt(n, 'title'), { required: true }),
  area('正文', 'text', blocksToText(body), 10, { required: true, placeholder: PASTE_HINT }), photoPicker(form)];
}
function val(form, name) { const e = form.elements[name]; return e ? e.value.trim() : ''; }
function blocksIf(doc, parent, name, text) { if (text && text.trim()) textToBlocks(doc, add(doc, parent, name), text); }
const writers = {
  journal(doc, n, f) {
    n.setAttribute('date', val(f, 'date'));
    f.querySelectorAll('.acts .rowline').forEach(r => {
      const t = r.querySelector('[name=atext]').value.trim();
      if (t) add(doc, n, 'activity', t, { kind: r.querySelector('[name=akind]').value });
    });
    textToBlocks(doc, n, f.elements.text.value);
  },
  observations(doc, n, f) {
    n.setAttribute('date', val(f, 'date')); n.setAttribute('period', val(f, 'period'));
    for (const k of ['class', 'subject', 'teacher']) addIf(doc, n, k, val(f, k));
    add(doc, n, 'topic', val(f, 'topic'));
    textToBlocks(doc, add(doc, n, 'notes'), f.elements.notes.value);
    blocksIf(doc, n, 'comment', f.elements.comment.value);
  },
  lessons(doc, n, f) {
    n.setAttribute('date', val(f, 'date')); n.setAttribute('period', val(f, 'period')); n.setAttribute('kind', val(f, 'kind'));
    for (const k of ['class', 'subject']) addIf(doc, n, k, val(f, k));
    add(doc, n, 'topic', val(f, 'topic'));
    const obj = f.elements.objectives.value.split('\n').map(s => s.trim()).filter(Boolean);
    if (obj.length) { const o = add(doc, n, 'objectives'); obj.forEach(s => add(doc, o, 'item', s.replace(/^(?:\d+[.、)]|-|•)\s*/, ''))); }
    blocksIf(doc, n, 'key-points', f.elements['key-points'].value);
    blocksIf(doc, n, 'difficulties', f.elements.difficulties.value);
    const p = add(doc, n, 'process');
    f.querySelectorAll('.steps fieldset').forEach(s => {
      const st = add(doc, p, 'step', null, { title: s.querySelector('[name=stitle]').value.trim(), minutes: s.querySelector('[name=smin]').value.trim() });
      textToBlocks(doc, st, s.querySelector('[name=stext]').value || s.querySelector('[name=stitle]').value);
    });
    for (const k of ['board', 'record', 'afterthought']) blocksIf(doc, n, k, f.elements[k].value);
  },
  reflections(doc, n, f) {
    n.setAttribute('date', val(f, 'date')); n.setAttribute('kind', val(f, 'kind'));
    add(doc, n, 'title', val(f, 'title'));
    textToBlocks(doc, n, f.elements.text.value);
  },
};

/* ---- placement ---- */
const TEACHER = [['name', '姓名', 1], ['gender', '性别', 1], ['born', '出生年月', 0, 'month'], ['work-start', '参加工作时间', 0, 'month'],
  ['school', '派出学校', 1], ['education', '学历'], ['rank', '职称'], ['subject', '任教学科'], ['grade', '任教年级'],
  ['weekly-periods', '周课时数', 0, 'number'], ['years-at-school', '在现任教学校连续任教年限', 0, 'number']];
const HOST = [['school', '基地学校', 1], ['mentor', '指导教师', 1], ['class', '跟岗班级'], ['subject', '跟岗学科'],
  ['class-periods', '跟岗期间该班该学科课时数', 0, 'number']];
async function renderPlacement() {
  const doc = docOf('placement'), root = doc.documentElement;
  const t = kid(root, 'teacher'), h = kid(root, 'host'), per = kid(root, 'period');
  const mk = (prefix, node, defs) => defs.map(([k, label, req, type]) => k === 'gender'
    ? select(label, prefix + k, { 女: '女', 男: '男' }, txt(node, k) || '女')
    : field(label, prefix + k, txt(node, k) || (k === 'name' && prefix === 't.' ? S.me.name : ''), { required: !!req, type: type || 'text', min: type === 'number' ? 0 : null }));
  const pr = await api('GET', '/api/profiles');
  if (!S.me) return;   /* logged out meanwhile */
  const profiles = Array.isArray(pr.json) ? pr.json : [];
  const prof = root.getAttribute('profile') || S.me.profile;
  const form = el('form', {}, el('h2', {}, '跟岗信息'),
    el('p', { class: 'hint' }, '研修编号 ' + S.id + '。带 * 的必须填写；其余按项目要求填写。'),
    el('label', {}, '研修项目 *', el('select', { name: 'profile', required: true }, profiles.map(p => el('option', { value: p.id, selected: p.id === prof }, p.title)))),
    el('h3', {}, '教师'), el('div', { class: 'grid2' }, mk('t.', t, TEACHER)),
    el('h3', {}, '基地学校'), el('div', { class: 'grid2' }, mk('h.', h, HOST)),
    el('h3', {}, '跟岗时间'), el('div', { class: 'grid2' }, field('开始日期 *', 'start', per && per.getAttribute('start'), { type: 'date', required: true }),
      field('结束日期 *', 'end', per && per.getAttribute('end'), { type: 'date', required: true })),
    el('button', { type: 'submit' }, '保存跟岗信息'));
  for (const l of form.querySelectorAll('label')) if (l.querySelector('[required]') && !l.firstChild.textContent.endsWith('*')) l.firstChild.textContent += ' *';
  form.addEventListener('submit', async e => {
    e.preventDefault();
    const d = skeleton('placement'), r = d.documentElement;
    r.setAttribute('id', S.id); r.setAttribute('profile', val(form, 'profile'));
    const tt = add(d, r, 'teacher'), hh = add(d, r, 'host');
    for (const [k] of TEACHER) addIf(d, tt, k, val(form, 't.' + k));
    for (const [k] of HOST) addIf(d, hh, k, val(form, 'h.' + k));
    add(d, r, 'period', null, { start: val(form, 'start'), end: val(form, 'end') });
    if (await save('placement', d)) renderCalendar();
  });
  $('#tab-placement').replaceChildren(form);
}

/* ---- calendar of the placement period ---- */
async function renderCalendar() {
  const sec = $('#tab-calendar');
  const per = kid(docOf('placement').documentElement, 'period');
  if (!per) { sec.replaceChildren(el('h2', {}, '日历'), el('p', { class: 'hint' }, '请先在“跟岗信息”里填写跟岗起止日期。')); return; }
  const from = per.getAttribute('start'), to = per.getAttribute('end');
  const key = from + '/' + to;
  if (renderCalendar.key !== key) {
    const r = await api('GET', '/api/calendar/' + key);
    if (!S.me) return;
    if (r.status !== 200) { sec.replaceChildren(el('p', { class: 'err' }, errorOf(r))); return; }
    renderCalendar.days = r.json; renderCalendar.key = key;
  }
  const count = (root, name) => { const m = {}; for (const n of kids(docOf(root).documentElement, name)) m[n.getAttribute('date')] = (m[n.getAttribute('date')] || 0) + 1; return m; };
  const jd = count('journal', 'day'), ob = count('observations', 'observation'), le = count('lessons', 'lesson');
  const months = {};
  for (const d of renderCalendar.days) (months[d.date.slice(0, 7)] = months[d.date.slice(0, 7)] || []).push(d);
  const parts = [el('h2', {}, '跟岗日历 ' + from + ' 至 ' + to),
    el('p', { class: 'legend' }, el('span', {}, '工作日'), el('span', { class: 'off' }, '休息日'), el('span', { class: 'holiday' }, '法定节假日'),
      el('span', { class: 'makeup' }, '调休上班'), ' 点某一天写当天的日志。')];
  if (renderCalendar.days.some(d => !d.verified)) parts.push(el('p', { class: 'hint' }, '注意：这一年的节假日安排尚未核对，按周一至周五计工作日。'));
  for (const [m, days] of Object.entries(months)) {
    const grid = el('div', { class: 'cal' }, ['一', '二', '三', '四', '五', '六', '日'].map(w => el('div', { class: 'h' }, w)));
    for (let k = 1; k < days[0].weekday; k++) grid.append(el('button', { class: 'out', tabindex: -1, 'aria-hidden': 'true' }));
    for (const d of days) {
      const cls = d.holiday ? 'holiday' : !d.workday ? 'off' : d.weekday > 5 ? 'makeup' : '';
      const marks = [jd[d.date] ? '日志✓' : null, ob[d.date] ? '听课' + ob[d.date] : null, le[d.date] ? '上课' + le[d.date] : null].filter(Boolean);
      grid.append(el('button', { class: cls, title: d.date + (d.holiday ? ' ' + d.holiday : ''), 'aria-label': d.date + ' ' + (d.holiday || (d.workday ? '工作日' : '休息日')) + ' ' + marks.join(' '),
        onclick: () => openDay(d.date) }, el('span', { class: 'd' }, +d.date.slice(8)), ' ',
        d.holiday ? d.holiday : (d.workday && d.weekday > 5 ? '调休' : ''), marks.map(x => el('span', { class: 'm' }, x))));
    }
    parts.push(el('h3', {}, m.replace('-', ' 年 ') + ' 月'), grid);
  }
  sec.replaceChildren(...parts);
}
function openDay(date) {
  const i = kids(docOf('journal').documentElement, 'day').findIndex(n => n.getAttribute('date') === date);
  editRecord.date = date;
  editRecord('journal', i);
  editRecord.date = '';
}

/* ---- photos ---- */
async function loadPhotos() { const r = await api('GET', '/api/submissions/' + S.id + '/figures'); S.photos = Array.isArray(r.json) ? r.json : []; }
function renderPhotos() {
  const input = el('input', { type: 'file', name: 'photo', accept: 'image/png,image/jpeg', capture: 'environment' });
  const preview = el('div', { class: 'photos' });
  input.addEventListener('change', () => {
    preview.replaceChildren(...Array.from(input.files).map(f => el('figure', {}, el('img', { src: URL.createObjectURL(f), alt: '待上传：' + f.name }), f.name)));
  });
  const form = el('form', {}, el('label', {}, '选择照片（PNG 或 JPEG，最大 30 MB）', input), preview, el('button', { type: 'submit' }, '上传'));
  form.addEventListener('submit', async e => {
    e.preventDefault();
    const f = input.files[0];
    if (!f) { toast('请先选择一张照片', true); return; }
    if (f.size > 30 * 1024 * 1024) { toast('照片太大（最多 30 MB），请在手机上选“压缩”或换一张', true); return; }
    const fd = new FormData();
    fd.append('file', f, 'photo');
    const r = await api('POST', '/api/submissions/' + S.id + '/figures', fd);
    if (r.status === 201) { toast('已上传：' + r.json.src); await loadPhotos(); renderPhotos(); } else toast('没有上传：' + errorOf(r), true);
  });
  $('#tab-photos').replaceChildren(el('h2', {}, '照片（' + S.photos.length + '）'), form,
    el('p', { class: 'hint' }, '上传后可在日志、反思的正文里用“插入照片”放进去。'),
    el('div', { class: 'photos' }, S.photos.map(p => el('figure', {}, el('img', { src: '/api/submissions/' + S.id + '/' + p, alt: p, loading: 'lazy' }), p))));
}

/* ---- draft, submit ---- */
async function openDraft(id, slot) {
  slot.textContent = '正在生成草稿…';
  const r = await api('GET', '/api/submissions/' + id + '/draft.pdf');
  if (r.status !== 200) { slot.textContent = errorOf(r); return; }
  const url = URL.createObjectURL(r.blob);
  slot.replaceChildren('草稿已生成（' + Math.round(r.blob.size / 1024) + ' KB）：', el('a', { href: url, target: '_blank', id: 'draft-open' }, '打开草稿 PDF'));
  window.open(url, '_blank');
}
$('#btn-draft').addEventListener('click', () => openDraft(S.id, $('#draft-link')));
$('#btn-submit').addEventListener('click', async () => {
  if (S.check && !S.check.ok && !confirm('还有不符合要求的地方，仍然提交？')) return;
  if (!confirm('提交后就不能再修改，除非教务员退回。确定提交？')) return;
  const r = await api('POST', '/api/submissions/' + S.id + '/submit');
  if (r.status === 200) { toast('已提交'); teacherLoad(); } else toast(errorOf(r), true);
});

/* ---- clerk ---- */
async function clerkLoad() {
  const r = await api('GET', '/api/submissions');
  if (r.status !== 200) return;
  const tb = $('#c-table tbody');
  tb.replaceChildren(...r.json.map(s => el('tr', {}, el('td', {}, s.name), el('td', {}, s.id),
    el('td', {}, el('span', { class: 'badge ' + s.status }, STATUS[s.status] || s.status), s.reason ? el('div', { class: 'reason' }, s.reason) : null),
    el('td', {}, el('button', { class: 'plain', onclick: () => clerkDetail(s) }, '要求清单'), ' ',
      el('button', { class: 'plain', onclick: e => openDraft(s.id, e.target.parentNode.appendChild(el('div', { class: 'hint' }))) }, '草稿'), ' ',
      el('button', { class: 'plain', onclick: () => resetPassword(s) }, '重设密码')))));
  bundlePoll(true);
  const sel = $('#add-form select');
  if (!sel.options.length) {
    const pr = await api('GET', '/api/profiles');
    if (Array.isArray(pr.json)) sel.replaceChildren(...pr.json.map(p => el('option', { value: p.id }, p.title)));
  }
}
function showPassword(who, pw) {
  $('#new-password').replaceChildren(who + ' 的一次性密码：', el('b', { id: 'one-time' }, pw),
    '　请抄下来交给本人；首次登录时必须改成自己的密码。这个密码不会再显示。');
}
async function resetPassword(s) {
  if (!confirm('给 ' + s.name + ' 重设密码？原密码立即失效。')) return;
  const r = await api('POST', '/api/users/' + encodeURIComponent(s.login) + '/reset');
  if (r.status === 200) showPassword(s.name, r.json.password); else toast(errorOf(r), true);
}
$('#add-form').addEventListener('submit', async e => {
  e.preventDefault();
  const f = e.target;
  const body = { login: f.login.value.trim(), placement: f.placement.value.trim(), name: f.name.value.trim(), profile: f.profile.value };
  const r = await api('POST', '/api/users', body);
  if (r.status === 201) { showPassword(body.name, r.json.password); f.reset(); clerkLoad(); } else toast(errorOf(r), true);
});
async function clerkDetail(s) {
  const r = await api('GET', '/api/submissions/' + s.id + '/check');
  $('#c-detail').hidden = false;
  $('#c-detail-title').textContent = s.name + '（' + s.id + '）· ' + (STATUS[s.status] || s.status) + (r.json && r.json.ok ? ' · 符合要求' : ' · 有不符合要求之处');
  renderRows($('#c-rows'), (r.json && r.json.rows) || []);
  renderFindings($('#c-findings'), (r.json && r.json.findings) || [], false);
  $('#return-form').dataset.id = s.id;
  $('#c-detail').scrollIntoView();
}
$('#return-form').addEventListener('submit', async e => {
  e.preventDefault();
  const r = await api('POST', '/api/submissions/' + e.target.dataset.id + '/return', { reason: e.target.reason.value.trim() });
  if (r.status === 200) { toast('已退回'); e.target.reset(); $('#c-detail').hidden = true; clerkLoad(); } else toast(errorOf(r), true);
});
$('#btn-bundle').addEventListener('click', async () => {
  const r = await api('POST', '/api/bundle');
  if (r.status === 202) bundlePoll(); else toast(errorOf(r), true);
});
async function bundlePoll(once) {
  const r = await api('GET', '/api/bundle');
  if (r.status !== 200) return;
  const j = r.json, bar = $('#bundle-progress');
  bar.hidden = j.state === 'idle';
  bar.max = j.total || 1; bar.value = j.done;
  $('#bundle-state').textContent = { idle: '', running: '正在生成：' + j.done + ' / ' + j.total, done: '已完成：' + j.total + ' 份', failed: '生成失败，请查看服务器日志' }[j.state] ?? j.state;
  $('#btn-bundle').disabled = j.state === 'running';
  $('#bundle-links').replaceChildren(...(j.state === 'done' ? [el('a', { href: '/api/bundle.zip', download: 'bundle.zip', id: 'bundle-zip' }, '下载验证包（zip）'), '　',
    el('a', { href: '/api/bundle/summary.pdf', target: '_blank' }, '查看汇总表 summary.pdf')] : []));
  if (j.state === 'running') setTimeout(bundlePoll, 500);
  else if (!once) clerkLoad();
}

/* ---- verify ---- */
$('#verify-form').addEventListener('submit', async e => {
  e.preventDefault();
  const f = e.target.pdf.files[0], out = $('#verify-result');
  if (!f) return;
  out.textContent = '正在核验…';
  const r = await api('POST', '/api/verify', await f.arrayBuffer(), { 'Content-Type': 'application/pdf' });
  if (r.status !== 200) { out.textContent = errorOf(r); return; }
  out.className = r.json.intact ? 'met' : 'err';
  out.textContent = (r.json.intact ? '✓ ' : '✗ ') + r.json.message;
});

/* ---- start ---- */
(async () => {
  if (location.pathname === '/verify') { show('verify'); return; }
  const r = await api('GET', '/api/me');
  if (r.status === 200) start(r.json); else showLogin();
})();

// Kattoo Telegram simulator — web chat (vanilla JS, no build step).
// Every URL is relative to the simulator's prefix, so the page works at /chat as well as at
// /sim/telegram/chat inside Kattoo's own server. Text is never inserted as HTML: messages are built
// from Telegram's text + entities with DOM nodes.

const i18n = JSON.parse(document.getElementById('sim-i18n').textContent);
const lang = i18n.lang;
const t = (key) => i18n.t[key] ?? key;
const base = location.pathname.replace(/\/chat\/?$/, '/');
const api = (path) => base + path;
const app = document.getElementById('app');

const state = {
  personas: [],
  persona: null,
  bot: null,
  messages: new Map(), // id → view
  keyboard: null,
  keyboardShown: true,
  blocked: false,
  commands: [],
  description: '',
  events: null,
  pendingCallbacks: new Map(), // callback query id → button element
  answered: new Set(), // callback queries answered before their press request returned
  actionTimer: null,
  action: null,
};

// ── helpers ─────────────────────────────────────────────────────────────────────────────────

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

async function http(method, path, body) {
  const res = await fetch(api(path), {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data.error || `${res.status}`);
  return data;
}

const COLORS = ['#e17076', '#7bc862', '#65aadd', '#a695e7', '#ee7aae', '#6ec9cb', '#faa774'];
function avatar(name, id) {
  const initials = name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0])
    .join('')
    .toUpperCase();
  return el('span', { class: 'avatar', style: `background:${COLORS[Number(id) % COLORS.length]}` }, initials);
}

function fullName(p) {
  return [p.firstName, p.lastName].filter(Boolean).join(' ');
}

function roleLabel(p) {
  const key =
    p.labelKey && i18n.t[p.labelKey] ? p.labelKey : `role${p.role[0].toUpperCase()}${p.role.slice(1)}`;
  return t(key);
}

function time(unix) {
  const d = new Date(unix * 1000);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

function size(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

function safeHref(url) {
  try {
    const u = new URL(url, location.href);
    return ['http:', 'https:', 'tg:', 'mailto:'].includes(u.protocol) ? u.href : null;
  } catch {
    return null;
  }
}

let toastTimer = null;
function toast(text) {
  document.querySelector('.toast')?.remove();
  const node = el('div', { class: 'toast', role: 'status', 'data-testid': 'toast' }, text);
  document.body.append(node);
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => node.remove(), 3500);
}

function alertBox(text) {
  const back = el('div', { class: 'modal-back', 'data-testid': 'alert' });
  const close = () => back.remove();
  back.append(
    el(
      'div',
      { class: 'modal', role: 'alertdialog' },
      el('div', { 'data-testid': 'alert-text' }, text),
      el('div', { class: 'actions' }, el('button', { onclick: close, 'data-testid': 'alert-ok' }, t('ok'))),
    ),
  );
  document.body.append(back);
}

// ── text with entities → DOM ────────────────────────────────────────────────────────────────

function wrap(node, e, segmentText) {
  switch (e.type) {
    case 'bold':
      return el('b', {}, node);
    case 'italic':
      return el('i', {}, node);
    case 'underline':
      return el('u', {}, node);
    case 'strikethrough':
      return el('s', {}, node);
    case 'spoiler':
      return el('span', { class: 'spoiler', onclick: (ev) => ev.currentTarget.classList.add('shown') }, node);
    case 'code':
      return el('code', {}, node);
    case 'pre':
      return el('pre', { dataset: e.language ? { language: e.language } : {} }, node);
    case 'blockquote':
    case 'expandable_blockquote':
      return el('blockquote', {}, node);
    case 'text_link':
    case 'url': {
      const href = safeHref(e.type === 'url' ? segmentText : e.url);
      return href ? el('a', { href, target: '_blank', rel: 'noopener noreferrer' }, node) : node;
    }
    case 'bot_command':
      return el(
        'span',
        {
          class: 'command',
          role: 'link',
          onclick: () => sendText(segmentText.replace(/@.*$/, '')),
        },
        node,
      );
    default:
      return node;
  }
}

function renderFormatted(text, entities = []) {
  const frag = document.createDocumentFragment();
  const cuts = new Set([0, text.length]);
  for (const e of entities) {
    cuts.add(e.offset);
    cuts.add(Math.min(text.length, e.offset + e.length));
  }
  const points = [...cuts].sort((a, b) => a - b);
  for (let k = 0; k + 1 < points.length; k++) {
    const a = points[k];
    const b = points[k + 1];
    if (b <= a) continue;
    const seg = text.slice(a, b);
    let node = document.createTextNode(seg);
    const covering = entities.filter((e) => e.offset <= a && e.offset + e.length >= b);
    for (let j = covering.length - 1; j >= 0; j--) {
      const e = covering[j];
      node = wrap(node, e, text.slice(e.offset, e.offset + e.length));
    }
    frag.append(node);
  }
  return frag;
}

// ── persona picker ──────────────────────────────────────────────────────────────────────────

function langLinks() {
  return el(
    'nav',
    { class: 'langs', 'aria-label': t('language') },
    ['ky', 'ru', 'en'].map((l) => {
      const u = new URL(location.href);
      u.searchParams.set('lang', l);
      return el(
        'a',
        {
          href: u.pathname + u.search,
          'aria-current': l === lang ? 'true' : 'false',
          'data-testid': `lang-${l}`,
        },
        l.toUpperCase(),
      );
    }),
  );
}

async function showPicker() {
  closeEvents();
  state.persona = null;
  const u = new URL(location.href);
  u.searchParams.delete('user');
  history.replaceState(null, '', u.pathname + u.search);
  state.personas = await http('GET', 'api/personas');
  app.replaceChildren(
    el('header', { class: 'header' }, el('div', { class: 'titles' }, el('h1', {}, t('title'))), langLinks()),
    el(
      'main',
      { class: 'picker' },
      el('p', { class: 'note' }, t('simulatorNote')),
      el('h2', {}, t('pickPersona')),
      state.personas.map((p) =>
        el(
          'button',
          {
            class: 'persona',
            'data-testid': `persona-${p.id}`,
            dataset: { role: p.role },
            onclick: () => openChat(p.id),
          },
          avatar(fullName(p), p.id),
          el(
            'span',
            { class: 'who' },
            el('div', { class: 'name' }, fullName(p)),
            el('div', { class: 'role', 'data-testid': 'persona-role' }, roleLabel(p)),
            el(
              'div',
              { class: 'meta' },
              `${p.phone}${p.username ? ` · @${p.username}` : ''}${p.languageCode ? ` · ${t('appLanguage')}: ${p.languageCode}` : ''}`,
            ),
          ),
        ),
      ),
    ),
  );
}

// ── chat ────────────────────────────────────────────────────────────────────────────────────

const nodes = {};

async function openChat(userId) {
  const s = await http('GET', `api/chats/${userId}/state`);
  state.persona = s.persona;
  state.bot = s.bot;
  state.blocked = s.blocked;
  state.keyboard = s.keyboard;
  state.keyboardShown = !s.keyboard?.hidden;
  state.commands = s.commands;
  state.description = s.description;
  state.messages = new Map(s.messages.map((m) => [m.id, m]));
  const u = new URL(location.href);
  u.searchParams.set('user', String(userId));
  history.replaceState(null, '', u.pathname + u.search);
  buildChat();
  renderMessages(true);
  renderComposer();
  openEvents(userId);
}

function buildChat() {
  const p = state.persona;
  nodes.status = el(
    'div',
    { class: 'status', 'data-testid': 'chat-status', title: `@${state.bot.username}` },
    t('bot'),
  );
  nodes.blockBtn = el('button', { 'data-testid': 'block-toggle', onclick: toggleBlock });
  nodes.messages = el('main', { class: 'messages', 'data-testid': 'messages', 'aria-live': 'polite' });
  nodes.composer = el('footer', { class: 'composer', 'data-testid': 'composer' });
  nodes.banner = el('div', { class: 'banner', hidden: true, 'data-testid': 'banner' }, t('connectionLost'));
  nodes.wrap = el('div', { class: 'chat-wrap' }, nodes.banner, nodes.messages, nodes.composer);
  app.replaceChildren(
    el(
      'header',
      { class: 'header' },
      el('button', { 'data-testid': 'back', 'aria-label': t('back'), onclick: showPicker }, '←'),
      avatar(state.bot.firstName, state.bot.id),
      el('div', { class: 'titles' }, el('h1', {}, state.bot.firstName), nodes.status),
      nodes.blockBtn,
    ),
    el(
      'div',
      { class: 'you', 'data-testid': 'you' },
      `${t('you')}: ${fullName(p)} · ${roleLabel(p)} · ${p.phone}`,
    ),
    nodes.wrap,
  );
  updateBlockButton();
}

function updateBlockButton() {
  nodes.blockBtn.textContent = state.blocked ? t('unblock') : t('block');
  nodes.blockBtn.dataset.blocked = String(state.blocked);
}

function nearBottom() {
  const m = nodes.messages;
  return m.scrollHeight - m.scrollTop - m.clientHeight < 80;
}

function renderMessages(scroll) {
  const stick = scroll || nearBottom();
  const list = [...state.messages.values()].sort((a, b) => a.id - b.id);
  if (list.length === 0) {
    nodes.messages.replaceChildren(
      el('div', { class: 'empty', 'data-testid': 'empty-chat' }, state.description || t('emptyChat')),
    );
  } else {
    nodes.messages.replaceChildren(...list.map(messageNode));
  }
  if (stick) nodes.messages.scrollTop = nodes.messages.scrollHeight;
}

function messageNode(m) {
  const bubble = el('div', {
    class: 'bubble',
    'data-testid': 'message',
    dataset: { from: m.fromBot ? 'bot' : 'user', messageId: String(m.id), rev: String(m.rev) },
  });
  if (m.photo) {
    bubble.append(
      el(
        'a',
        { class: 'photo', href: api(m.photo.url), target: '_blank', rel: 'noopener' },
        el('img', { src: api(m.photo.url), alt: t('photo'), 'data-testid': 'photo', loading: 'lazy' }),
      ),
    );
  }
  if (m.document) {
    bubble.append(
      el(
        'div',
        { class: 'doc' },
        el('span', { class: 'icon', 'aria-hidden': 'true' }, '↓'),
        el(
          'div',
          {},
          el(
            'a',
            {
              href: api(m.document.url),
              download: m.document.fileName,
              'data-testid': 'document-link',
              title: t('download'),
            },
            m.document.fileName,
          ),
          el(
            'div',
            { class: 'size' },
            `${size(m.document.size)}${/\.([A-Za-z0-9]{1,8})$/.test(m.document.fileName) ? ` · ${m.document.fileName.split('.').pop().toUpperCase()}` : ''}`,
          ),
        ),
      ),
    );
  }
  if (m.contact) {
    bubble.append(
      el(
        'div',
        { class: 'contact-card', 'data-testid': 'contact' },
        avatar(`${m.contact.firstName} ${m.contact.lastName ?? ''}`, m.contact.userId ?? 0),
        el(
          'div',
          {},
          el('div', { class: 'name' }, [m.contact.firstName, m.contact.lastName].filter(Boolean).join(' ')),
          el('div', { class: 'size' }, `${t('contact')}: +${m.contact.phoneNumber.replace(/^\+/, '')}`),
        ),
      ),
    );
  }
  if (m.text !== undefined) {
    bubble.append(
      el('div', { class: 'text', 'data-testid': 'message-text' }, renderFormatted(m.text, m.entities)),
    );
  }
  if (m.caption) {
    bubble.append(
      el('div', { class: 'text', 'data-testid': 'caption' }, renderFormatted(m.caption, m.captionEntities)),
    );
  }
  bubble.append(el('div', { class: 'meta' }, `${m.editDate ? `${t('edited')} ` : ''}${time(m.date)}`));
  const row = el(
    'div',
    { class: `row ${m.fromBot ? 'in' : 'out'}`, dataset: { messageId: String(m.id) } },
    bubble,
  );
  if (m.inlineKeyboard) row.append(inlineKeyboard(m));
  return row;
}

function inlineKeyboard(m) {
  return el(
    'div',
    { class: 'inline-kb', 'data-testid': 'inline-keyboard' },
    m.inlineKeyboard.map((row) =>
      el(
        'div',
        { class: 'kb-row' },
        row.map((b) => {
          if (b.url) {
            const href = safeHref(b.url);
            return el(
              'a',
              {
                class: 'kb-btn url',
                href: href ?? '#',
                target: '_blank',
                rel: 'noopener noreferrer',
                'data-testid': 'inline-button',
                dataset: { url: b.url },
              },
              b.text,
            );
          }
          const btn = el(
            'button',
            {
              class: 'kb-btn',
              'data-testid': 'inline-button',
              dataset: b.callbackData !== undefined ? { callbackData: b.callbackData } : {},
              disabled: b.callbackData === undefined,
            },
            b.text,
          );
          btn.addEventListener('click', () => pressInline(m.id, b.callbackData, btn));
          return btn;
        }),
      ),
    ),
  );
}

async function pressInline(messageId, data, btn) {
  if (state.blocked) return;
  try {
    btn.classList.add('pending');
    const { callbackQueryId } = await http('POST', `api/chats/${state.persona.id}/callback`, {
      messageId,
      data,
    });
    if (state.answered.delete(callbackQueryId)) {
      btn.classList.remove('pending');
      return;
    }
    state.pendingCallbacks.set(callbackQueryId, btn);
    setTimeout(() => {
      if (state.pendingCallbacks.get(callbackQueryId) === btn) {
        state.pendingCallbacks.delete(callbackQueryId);
        btn.classList.remove('pending');
      }
    }, 15_000);
  } catch (e) {
    btn.classList.remove('pending');
    toast(`${t('error')}: ${e.message}`);
  }
}

function renderComposer() {
  const c = nodes.composer;
  c.replaceChildren();
  nodes.commands?.remove();
  if (state.blocked) {
    c.append(
      el(
        'div',
        { class: 'blocked', 'data-testid': 'blocked-notice' },
        el('div', {}, t('blockedNotice')),
        el('button', { class: 'wide', 'data-testid': 'unblock-button', onclick: toggleBlock }, t('unblock')),
      ),
    );
    return;
  }
  if (state.messages.size === 0) {
    c.append(
      el(
        'button',
        { class: 'wide', 'data-testid': 'start-button', onclick: () => post('start', {}) },
        t('start'),
      ),
    );
    return;
  }
  const kb = state.keyboard;
  if (kb && state.keyboardShown) {
    c.append(
      el(
        'div',
        { class: 'reply-kb', 'data-testid': 'reply-keyboard' },
        kb.rows.map((row) =>
          el(
            'div',
            { class: 'kb-row' },
            row.map((b) =>
              el(
                'button',
                {
                  class: b.requestContact ? 'contact' : '',
                  'data-testid': b.requestContact ? 'contact-button' : 'reply-button',
                  onclick: () => pressReply(b),
                },
                b.requestContact ? `☎ ${b.text}` : b.text,
              ),
            ),
          ),
        ),
      ),
    );
  }
  nodes.input = el('textarea', {
    rows: 1,
    placeholder: kb?.placeholder || t('messagePlaceholder'),
    'data-testid': 'message-input',
    'aria-label': t('messagePlaceholder'),
    onkeydown: (ev) => {
      if (ev.key === 'Enter' && !ev.shiftKey) {
        ev.preventDefault();
        submit();
      }
    },
  });
  c.append(
    el(
      'div',
      { class: 'input-row' },
      el(
        'button',
        { class: 'round ghost', 'data-testid': 'menu-button', onclick: toggleCommands },
        t('menu'),
      ),
      nodes.input,
      kb
        ? el(
            'button',
            {
              class: 'round ghost',
              'data-testid': 'keyboard-toggle',
              'aria-label': t('keyboard'),
              onclick: () => {
                state.keyboardShown = !state.keyboardShown;
                renderComposer();
              },
            },
            '⌨',
          )
        : null,
      el(
        'button',
        { class: 'round', 'data-testid': 'send-button', onclick: submit, 'aria-label': t('send') },
        '➤',
      ),
    ),
  );
}

function toggleCommands() {
  if (nodes.commands?.isConnected) {
    nodes.commands.remove();
    return;
  }
  const list = state.commands;
  nodes.commands = el(
    'div',
    { class: 'commands', 'data-testid': 'commands' },
    list.length === 0
      ? el('div', { class: 'none' }, t('noCommands'))
      : list.map((c) =>
          el(
            'button',
            {
              'data-testid': 'command',
              onclick: () => {
                nodes.commands.remove();
                sendText(`/${c.command}`);
              },
            },
            el('span', { class: 'cmd' }, `/${c.command}`),
            c.description,
          ),
        ),
  );
  nodes.wrap.append(nodes.commands);
  // the bot may have registered its commands after the chat was opened
  http('GET', `api/chats/${state.persona.id}/state`)
    .then((s) => {
      if (JSON.stringify(s.commands) !== JSON.stringify(state.commands)) {
        state.commands = s.commands;
        nodes.commands.remove();
        toggleCommands();
      }
    })
    .catch(() => {});
}

async function post(kind, body) {
  try {
    const m = await http('POST', `api/chats/${state.persona.id}/${kind}`, body);
    upsert(m);
  } catch (e) {
    toast(`${t('error')}: ${e.message}`);
  }
}

function sendText(text) {
  if (!text.trim()) return;
  return post('messages', { text });
}

function submit() {
  const text = nodes.input.value;
  if (!text.trim()) return;
  nodes.input.value = '';
  sendText(text);
  nodes.input.focus();
}

function pressReply(b) {
  return post(b.requestContact ? 'contact' : 'keyboard', b.requestContact ? {} : { text: b.text });
}

async function toggleBlock() {
  try {
    const r = await http('POST', `api/chats/${state.persona.id}/block`, { blocked: !state.blocked });
    state.blocked = r.blocked;
    updateBlockButton();
    renderComposer();
  } catch (e) {
    toast(`${t('error')}: ${e.message}`);
  }
}

function upsert(m) {
  const had = state.messages.get(m.id);
  if (had && had.rev >= m.rev) return;
  const wasEmpty = state.messages.size === 0;
  state.messages.set(m.id, m);
  if (!had) {
    if (nodes.messages.querySelector('.empty')) {
      renderMessages(true);
    } else {
      const stick = nearBottom() || !m.fromBot;
      nodes.messages.append(messageNode(m));
      if (stick) nodes.messages.scrollTop = nodes.messages.scrollHeight;
    }
    if (m.fromBot) setAction(null);
  } else {
    const old = nodes.messages.querySelector(`.row[data-message-id="${m.id}"]`);
    if (old) old.replaceWith(messageNode(m));
    else renderMessages(false);
  }
  if (wasEmpty) renderComposer();
}

function setAction(action) {
  state.action = action;
  clearTimeout(state.actionTimer);
  const label =
    action === 'typing'
      ? t('typing')
      : action === 'upload_document'
        ? t('uploadingDocument')
        : action === 'upload_photo'
          ? t('uploadingPhoto')
          : null;
  nodes.status.textContent = label ?? t('bot');
  if (label) state.actionTimer = setTimeout(() => setAction(null), 5000);
}

// ── live events ─────────────────────────────────────────────────────────────────────────────

function closeEvents() {
  state.events?.close();
  state.events = null;
}

function openEvents(userId) {
  closeEvents();
  const es = new EventSource(api(`api/chats/${userId}/events`));
  state.events = es;
  let opened = false;
  es.addEventListener('hello', () => {
    nodes.banner.hidden = true;
    if (opened) {
      // reconnected: catch up on anything missed
      http('GET', `api/chats/${userId}/state`)
        .then((s) => {
          state.messages = new Map(s.messages.map((m) => [m.id, m]));
          state.keyboard = s.keyboard;
          state.blocked = s.blocked;
          updateBlockButton();
          renderMessages(false);
          renderComposer();
        })
        .catch(() => {});
    }
    opened = true;
  });
  es.addEventListener('error', () => {
    if (nodes.banner) nodes.banner.hidden = false;
  });
  const data = (ev) => JSON.parse(ev.data);
  es.addEventListener('message', (ev) => upsert(data(ev)));
  es.addEventListener('edited', (ev) => upsert(data(ev)));
  es.addEventListener('deleted', (ev) => {
    const { id } = data(ev);
    state.messages.delete(id);
    nodes.messages.querySelector(`.row[data-message-id="${id}"]`)?.remove();
  });
  es.addEventListener('keyboard', (ev) => {
    state.keyboard = data(ev);
    state.keyboardShown = !state.keyboard?.hidden;
    renderComposer();
  });
  es.addEventListener('blocked', (ev) => {
    state.blocked = data(ev).blocked;
    updateBlockButton();
    renderComposer();
  });
  es.addEventListener('chatAction', (ev) => setAction(data(ev).action));
  es.addEventListener('callbackAnswer', (ev) => {
    const a = data(ev);
    const btn = state.pendingCallbacks.get(a.callbackQueryId);
    if (btn) {
      state.pendingCallbacks.delete(a.callbackQueryId);
      btn.classList.remove('pending');
    } else {
      state.answered.add(a.callbackQueryId);
    }
    if (a.text) {
      if (a.showAlert) alertBox(a.text);
      else toast(a.text);
    }
    if (a.url) {
      const href = safeHref(a.url);
      if (href) window.open(href, '_blank', 'noopener');
    }
  });
}

// ── start ───────────────────────────────────────────────────────────────────────────────────

const initial = Number(new URL(location.href).searchParams.get('user'));
(initial ? openChat(initial).catch(() => showPicker()) : showPicker()).catch((e) => {
  app.replaceChildren(el('p', { class: 'banner' }, `${t('error')}: ${e.message}`));
});

/* global document, window, EventSource, fetch, URL, setTimeout, setInterval */
// Firebreak dashboard enhancements: live timeline and list over server-sent events, deadline countdowns.
// The pages work without it (forms post, links navigate); this only keeps them current.
'use strict';

(function () {
  function formatDuration(ms) {
    var total = Math.floor(Math.abs(ms) / 1000);
    var days = Math.floor(total / 86400);
    var hours = Math.floor((total % 86400) / 3600);
    var minutes = Math.floor((total % 3600) / 60);
    var seconds = total % 60;
    if (days > 0) return days + 'd ' + hours + 'h ' + minutes + 'm';
    if (hours > 0) return hours + 'h ' + minutes + 'm ' + seconds + 's';
    return minutes + 'm ' + seconds + 's';
  }

  // <span class="countdown" data-due="ISO" data-warn="ISO">: green, amber after data-warn, red when overdue.
  function tickCountdowns() {
    var now = Date.now();
    var nodes = document.querySelectorAll('[data-due]');
    for (var i = 0; i < nodes.length; i++) {
      var node = nodes[i];
      if (node.getAttribute('data-done') === 'true') continue;
      var due = Date.parse(node.getAttribute('data-due'));
      var warnAttr = node.getAttribute('data-warn');
      var warn = warnAttr ? Date.parse(warnAttr) : due - 3600 * 1000;
      var left = due - now;
      var state = left <= 0 ? 'red' : now >= warn ? 'amber' : 'ok';
      node.textContent = left <= 0 ? 'overdue by ' + formatDuration(left) : formatDuration(left) + ' left';
      node.classList.remove('ok', 'amber', 'red');
      node.classList.add(state);
      node.setAttribute('data-state', state);
    }
  }

  function setStatus(text) {
    var status = document.getElementById('live-status');
    if (status) status.textContent = text;
  }

  function insertTimelineHtml(list, html) {
    var template = document.createElement('template');
    template.innerHTML = html.trim();
    var item = template.content.firstElementChild;
    if (!item || !item.id || document.getElementById(item.id)) return;
    item.classList.add('fresh');
    // Newest first by when it happened (data-at), then by id: place before the first item older than it.
    var at = Number(item.getAttribute('data-at'));
    var id = Number(item.getAttribute('data-event-id'));
    var children = list.children;
    for (var i = 0; i < children.length; i++) {
      var otherAt = Number(children[i].getAttribute('data-at'));
      if (otherAt < at || (otherAt === at && Number(children[i].getAttribute('data-event-id')) < id)) {
        list.insertBefore(item, children[i]);
        return;
      }
    }
    list.appendChild(item);
  }

  function connectTimeline(list) {
    var url = list.getAttribute('data-live');
    if (!url || typeof EventSource === 'undefined') return;
    var source = new EventSource(url);
    source.addEventListener('open', function () {
      setStatus('Live: new events appear as they happen.');
    });
    source.addEventListener('error', function () {
      setStatus('Reconnecting to live updates…');
    });
    source.addEventListener('timeline', function (event) {
      insertTimelineHtml(list, event.data);
      var count = document.getElementById('timeline-count');
      if (count) count.textContent = String(Number(count.textContent || '0') + 1);
    });
    source.addEventListener('incident', function (event) {
      var summary = document.getElementById('incident-summary');
      if (!summary) return;
      var template = document.createElement('template');
      template.innerHTML = event.data.trim();
      var fresh = template.content.firstElementChild;
      if (fresh) summary.replaceWith(fresh);
      tickCountdowns();
    });
    source.addEventListener('ended', function () {
      setStatus('Your session ended: reload the page to log in again.');
      source.close();
    });
  }

  function connectList(body) {
    var url = body.getAttribute('data-live');
    if (!url || typeof EventSource === 'undefined') return;
    var source = new EventSource(url);
    var pending = null;
    function refresh() {
      pending = null;
      var target = new URL(window.location.href);
      target.searchParams.set('fragment', 'rows');
      fetch(target.toString(), { headers: { accept: 'text/html', 'x-firebreak-live': 'refresh' }, credentials: 'same-origin' })
        .then(function (response) {
          return response.ok ? response.text() : Promise.reject(response.status);
        })
        .then(function (html) {
          body.innerHTML = html;
          tickCountdowns();
          setStatus('Live: updated ' + new Date().toLocaleTimeString());
        })
        .catch(function () {
          setStatus('Could not refresh the list; reload the page.');
        });
    }
    source.addEventListener('open', function () {
      setStatus('Live: the list updates as incidents change.');
    });
    source.addEventListener('error', function () {
      setStatus('Reconnecting to live updates…');
    });
    source.addEventListener('changed', function () {
      if (!pending) pending = setTimeout(refresh, 150);
    });
    source.addEventListener('ended', function () {
      setStatus('Your session ended: reload the page to log in again.');
      source.close();
    });
  }

  // Forms that change something ask first when they carry data-confirm.
  document.addEventListener('submit', function (event) {
    var form = event.target;
    var question = form && form.getAttribute && form.getAttribute('data-confirm');
    if (question && !window.confirm(question)) event.preventDefault();
  });

  // A page that answered a form itself (a secret shown once) names the address a reload should fetch
  // instead of posting the form again.
  function settleAddress() {
    var marker = document.querySelector('[data-replace-url]');
    if (marker && window.history && window.history.replaceState)
      window.history.replaceState(null, '', marker.getAttribute('data-replace-url'));
  }

  function start() {
    settleAddress();
    tickCountdowns();
    setInterval(tickCountdowns, 1000);
    var timeline = document.getElementById('timeline');
    if (timeline) connectTimeline(timeline);
    var rows = document.getElementById('incident-rows');
    if (rows) connectList(rows);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();

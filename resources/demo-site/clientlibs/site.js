// Demo clientlib of the fictional Adventures site.
(function () {
  'use strict'

  // Says how old the page copy is, so a cache hit is visible in the browser.
  var stamp = document.querySelector('time.rendered-at')
  if (stamp) {
    var ageSeconds = Math.max(0, Math.round((Date.now() - Date.parse(stamp.getAttribute('datetime'))) / 1000))
    var note = document.createElement('span')
    note.className = 'age'
    note.textContent = ageSeconds < 2 ? ' (fresh from the render)' : ' (this copy is ' + ageSeconds + ' s old: probably from the cache)'
    stamp.after(note)
  }

  // Like AEM's granite.csrf.standalone: fetch a token before a form posts.
  var tokenField = document.querySelector('input[name=":cq_csrf_token"]')
  if (tokenField) {
    fetch('/libs/granite/csrf/token.json', { credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.json() : {} })
      .then(function (json) { tokenField.value = json.token || '' })
      .catch(function () { /* the form still posts without a token on the demo render */ })
  }
})()

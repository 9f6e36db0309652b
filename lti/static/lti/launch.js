// LTI pages inside an LMS frame, without inline script (CSP script-src 'self').
// 1. Login: if this framed page can keep a cookie, continue to the LMS sign-in; if the
//    browser blocks third-party cookies, show the "open in a new tab" message instead.
// 2. Deep linking: post the signed answer back to the LMS without a click.
(function () {
  "use strict";
  var login = document.getElementById("lti-login");
  if (login) {
    var probe = "docere_lti_cookie_check=1; path=/; max-age=60; SameSite=None" +
      (location.protocol === "https:" ? "; Secure" : "");
    document.cookie = probe;
    var kept = document.cookie.indexOf("docere_lti_cookie_check=1") !== -1;
    if (kept) {
      window.location.replace(login.getAttribute("data-continue"));
    } else {
      document.getElementById("lti-cookies-blocked").hidden = false;
      document.getElementById("lti-continue").hidden = true;
    }
  }
  var answer = document.getElementById("lti-deep-link-return");
  if (answer) {
    answer.submit();
  }
})();

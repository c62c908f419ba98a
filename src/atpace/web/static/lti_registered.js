// LTI Dynamic Registration is complete: tell the LMS, which closes its registration dialog.
(window.opener || window.parent).postMessage({ subject: "org.imsglobal.lti.close" }, "*");

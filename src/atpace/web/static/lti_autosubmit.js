// LTI Deep Linking: post the signed answer back to the LMS as soon as the page loads (the button stays
// for browsers without scripts).
document.querySelectorAll("form[data-autosubmit]").forEach((form) => form.submit());

// atpace offline answer checker: the rules of src/atpace/content/answers.py and numbers.py, in the browser.
//
// It gives a student immediate feedback while the classroom has no connection. The server stays the
// authority: every answer checked here is checked again by the server when it syncs, and only the server's
// verdict moves mastery. tests/fixtures/answer_corpus.json holds the cases that both checkers must agree on
// (tests/unit/test_offline_corpus.py runs it against the Python checker, tests/browser/test_offline.py
// against this file in Chromium).
//
// Pure: no DOM, no storage. Exact arithmetic with BigInt; lengths count code points as Python does.

const MAX_LENGTH = 40; // numbers.MAX_LENGTH
const MAX_TEXT_LENGTH = 200; // answers.MAX_TEXT_LENGTH
const SELECTION_SEPARATOR = "; ";
const SLASHES = new Set(["\u2044", "\u2215", "\uff0f", "\u00f7"]);
const MINUSES = new Set(["\u2212", "\u2013", "\u2012", "\ufe63", "\uff0d"]);
// Python's str.isspace(): JavaScript's \s differs (it lacks U+001C-U+001F and U+0085, and has U+FEFF).
const SPACES = new Set([
  "\t", "\n", "\x0b", "\x0c", "\r", "\x1c", "\x1d", "\x1e", "\x1f", " ", "\x85", "\xa0", "\u1680",
  "\u2000", "\u2001", "\u2002", "\u2003", "\u2004", "\u2005", "\u2006", "\u2007", "\u2008", "\u2009",
  "\u200a", "\u2028", "\u2029", "\u202f", "\u205f", "\u3000",
]);
// Every character whose Unicode decomposition is <fraction> (unicodedata.decomposition), with "/".
const VULGAR = {
  "\u00bc": "1/4", "\u00bd": "1/2", "\u00be": "3/4", "\u2150": "1/7", "\u2151": "1/9", "\u2152": "1/10",
  "\u2153": "1/3", "\u2154": "2/3", "\u2155": "1/5", "\u2156": "2/5", "\u2157": "3/5", "\u2158": "4/5",
  "\u2159": "1/6", "\u215a": "5/6", "\u215b": "1/8", "\u215c": "3/8", "\u215d": "5/8", "\u215e": "7/8",
  "\u215f": "1/", "\u2189": "0/3",
};
const DIGITS = /^[0-9]+$/;
const DECIMAL = /^([0-9]*)\.([0-9]*)$/;
const COMMA_DECIMAL = /^[0-9]*,[0-9]+$/;
const LETTER = /^\(?([a-z])\s*[).:]?$/;
const LETTER_RUN = /^[a-z](?:\s*[a-z])+$/;

class Malformed extends Error {}

function codePoints(text) {
  return [...text].length;
}

function isSpace(ch) {
  return SPACES.has(ch);
}

/** Python's str.strip() with no argument. */
export function pyStrip(text) {
  const chars = [...text];
  let start = 0;
  let end = chars.length;
  while (start < end && isSpace(chars[start])) start += 1;
  while (end > start && isSpace(chars[end - 1])) end -= 1;
  return chars.slice(start, end).join("");
}

/** Python's str.split() with no argument: runs of whitespace, no empty parts. */
function pySplit(text) {
  const parts = [];
  let current = "";
  for (const ch of text) {
    if (isSpace(ch)) {
      if (current) parts.push(current);
      current = "";
    } else {
      current += ch;
    }
  }
  if (current) parts.push(current);
  return parts;
}

/** Python's str.casefold(), closely: upper then lower case folds ß to ss and ſ to s; σ for final ς. */
export function casefold(text) {
  return text.toUpperCase().toLowerCase().replace(/\u03c2/g, "\u03c3");
}

function rstripChars(text, chars) {
  let end = text.length;
  while (end > 0 && chars.includes(text[end - 1])) end -= 1;
  return text.slice(0, end);
}

/** numbers.clean: unicode slashes and minus signs, ÷, vulgar fractions, spacing. */
export function clean(text) {
  let out = "";
  for (const ch of text) {
    if (SLASHES.has(ch)) out += "/";
    else if (MINUSES.has(ch)) out += "-";
    else if (isSpace(ch)) out += " ";
    else if (Object.prototype.hasOwnProperty.call(VULGAR, ch)) out += " " + VULGAR[ch] + " ";
    else out += ch;
  }
  let result = out.replace(/ *\/ */g, "/");
  result = pySplit(result).join(" ");
  result = result.replace(/^([+-]) /, "$1");
  return result.replace(/(?<=[0-9]) and (?=[0-9]+\/)/gi, " ");
}

function choiceKey(text) {
  return casefold(clean(text));
}

function gcd(a, b) {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y) [x, y] = [y, x % y];
  return x;
}

function fmtDecimal(negative, digitsValue, places) {
  // The exact value digitsValue / 10**places, without trailing zeros (numbers.fmt_decimal).
  let n = digitsValue;
  let k = places;
  while (k > 0 && n % 10n === 0n) {
    n /= 10n;
    k -= 1;
  }
  const sign = negative && n !== 0n ? "-" : "";
  if (k === 0) return sign + n.toString();
  const digits = n.toString().padStart(k + 1, "0");
  return `${sign}${digits.slice(0, -k)}.${digits.slice(-k)}`;
}

function example(allowFraction, allowDecimal, allowMixed) {
  if (!allowFraction) return "Please enter a number, like 0.75";
  const forms = ["a fraction, like 3/4"];
  if (allowMixed) forms.push("a mixed number, like 1 1/2");
  if (allowDecimal) forms.push("a decimal, like 0.75");
  if (forms.length === 1) return "Please enter " + forms[0];
  return "Please enter " + forms.slice(0, -1).join(", ") + " or " + forms[forms.length - 1];
}

/** numbers.read: {num, den (> 0), form, text, whole, numerator, denominator} or throws Malformed. */
export function readNumber(text, { allowDecimal, allowMixed, allowFraction = true }) {
  const raw = pyStrip(text);
  if (!raw) throw new Malformed("Please enter an answer");
  if (codePoints(raw) > MAX_LENGTH) {
    throw new Malformed("That answer is too long: please enter a short answer, like 3/4");
  }
  const shown = raw;
  const s = clean(raw);
  const generic = example(allowFraction, allowDecimal, allowMixed);
  const negative = s.startsWith("-");
  const body = s[0] === "+" || s[0] === "-" ? s.slice(1) : s;
  const prefix = negative ? "-" : "";
  const sign = negative ? -1n : 1n;

  if (body.includes("/")) {
    const parts = body.split("/");
    if (!allowFraction) {
      if (parts.length === 2 && parts.every((part) => DIGITS.test(part))) {
        throw new Malformed(`${shown} is a fraction: please enter a whole number or a decimal, like 0.75`);
      }
      throw new Malformed(`${shown} is not a number: please enter a whole number or a decimal, like 0.75`);
    }
    if (parts.length > 2) throw new Malformed(`${shown} is not a fraction: use one slash, like 3/4`);
    let [top, bottom] = parts;
    if (!bottom) {
      throw new Malformed(`${shown} is missing the bottom number (the denominator), like the 4 in 3/4`);
    }
    if (!top) throw new Malformed(`${shown} is missing the top number (the numerator), like the 3 in 3/4`);
    let wholeText = "";
    if (top.includes(" ")) {
      const at = top.lastIndexOf(" ");
      wholeText = top.slice(0, at);
      top = top.slice(at + 1);
      if (!allowMixed && DIGITS.test(wholeText) && DIGITS.test(top)) {
        throw new Malformed("Please write one fraction, like 7/4, not a mixed number");
      }
      if (!DIGITS.test(wholeText)) throw new Malformed(generic);
    }
    if (top.includes(".") || bottom.includes(".")) {
      throw new Malformed("Use whole numbers above and below the slash, like 3/4");
    }
    if (!(DIGITS.test(top) && DIGITS.test(bottom))) throw new Malformed(generic);
    const numerator = BigInt(top);
    const denominator = BigInt(bottom);
    if (denominator === 0n) {
      throw new Malformed("Denominator cannot be 0: the bottom number of a fraction must not be 0");
    }
    if (wholeText) {
      const whole = BigInt(wholeText);
      return {
        num: sign * (whole * denominator + numerator), den: denominator, form: "mixed",
        text: `${prefix}${whole} ${numerator}/${denominator}`, whole, numerator, denominator,
      };
    }
    return {
      num: sign * numerator, den: denominator, form: "fraction",
      text: `${prefix}${numerator}/${denominator}`, whole: 0n, numerator, denominator,
    };
  }
  if (DIGITS.test(body)) {
    const value = sign * BigInt(body);
    return { num: value, den: 1n, form: "integer", text: value.toString(), whole: 0n, numerator: 0n, denominator: 1n };
  }
  const decimal = DECIMAL.exec(body);
  if (decimal && (decimal[1] || decimal[2])) {
    if (!allowDecimal) throw new Malformed("Please write your answer as a fraction, like 3/4, not as a decimal");
    const places = decimal[2].length;
    const scale = 10n ** BigInt(places);
    const digitsValue = BigInt(decimal[1] || "0") * scale + BigInt(decimal[2] || "0");
    return {
      num: sign * digitsValue, den: scale, form: "decimal", text: fmtDecimal(negative, digitsValue, places),
      whole: 0n, numerator: 0n, denominator: 1n,
    };
  }
  if (COMMA_DECIMAL.test(body)) {
    if (!allowDecimal) throw new Malformed("Please write your answer as a fraction, like 3/4, not as a decimal");
    throw new Malformed(`Use a point for decimals: write ${s.replaceAll(",", ".")}, not ${shown}`);
  }
  throw new Malformed(generic);
}

function inSimplestForm(written) {
  if (written.form === "integer" || written.form === "decimal") return true;
  if (written.denominator === 1n || gcd(written.numerator, written.denominator) !== 1n) return false;
  return !(written.form === "mixed" && written.numerator >= written.denominator);
}

function result(status, message, normalized) {
  return { status, message, normalized };
}

function letters(count) {
  const all = Array.from({ length: count }, (_, i) => String.fromCharCode(65 + i));
  return all.slice(0, -1).join(", ") + " or " + all[all.length - 1];
}

function findChoice(choices, text) {
  const key = choiceKey(text);
  const chosen = choices.find((choice) => choiceKey(choice) === key);
  if (chosen !== undefined) return chosen;
  const letter = LETTER.exec(key);
  if (letter === null) return result("malformed", `Please choose one of the answers: ${letters(choices.length)}`, null);
  const index = letter[1].charCodeAt(0) - 97;
  if (index >= choices.length) {
    return result("malformed", `There is no answer ${letter[1].toUpperCase()}: choose ${letters(choices.length)}`, null);
  }
  return choices[index];
}

function checkChoice(spec, response) {
  const chosen = findChoice(spec.choices, response);
  if (typeof chosen !== "string") return chosen;
  if (chosen === spec.correct) return result("correct", "Correct!", chosen);
  return result("incorrect", `Not quite: the answer is ${spec.correct}, not ${chosen}.`, chosen);
}

function splitParts(spec, response) {
  const text = pyStrip(response);
  if (spec.choices.some((choice) => choiceKey(choice) === choiceKey(text))) return [text];
  for (const separator of ["\n", ";", ","]) {
    if (text.includes(separator)) return text.split(separator).map(pyStrip).filter((part) => part);
  }
  const key = choiceKey(text);
  if (LETTER_RUN.test(key)) {
    const run = key.replaceAll(" ", "");
    if ([...run].every((letter) => letter.charCodeAt(0) - 97 < spec.choices.length)) return [...run];
  }
  return [text];
}

function checkSelection(spec, response) {
  const chosen = [];
  for (const part of splitParts(spec, response)) {
    const found = findChoice(spec.choices, part);
    if (typeof found !== "string") {
      return result(
        "malformed",
        `${part} is not one of the answers: name them by letter (${letters(spec.choices.length)}) ` +
          "or by text, separated by commas, semicolons or new lines",
        null,
      );
    }
    if (chosen.includes(found)) return result("malformed", `You named ${found} twice: name each answer once`, null);
    chosen.push(found);
  }
  if (!chosen.length) return result("malformed", "Please enter an answer", null);
  const right = spec.correct_choices;
  if (spec.kind === "ordering") {
    if (chosen.length !== spec.choices.length) {
      const example = spec.choices.map((_, i) => String.fromCharCode(65 + i)).join(", ");
      return result("malformed", `Put all ${spec.choices.length} answers in order, each once, like ${example}`, null);
    }
    const normalized = chosen.join(SELECTION_SEPARATOR);
    if (chosen.length === right.length && chosen.every((choice, i) => choice === right[i])) {
      return result("correct", "Correct!", normalized);
    }
    return result("incorrect", `Not quite: the right order is ${spec.correct}.`, normalized);
  }
  const normalized = spec.choices.filter((choice) => chosen.includes(choice)).join(SELECTION_SEPARATOR);
  const same = new Set(chosen).size === new Set(right).size && chosen.every((choice) => right.includes(choice));
  if (same) return result("correct", "Correct!", normalized);
  return result("incorrect", `Not quite: the right choices are ${spec.correct}.`, normalized);
}

const COMPARISON_WORDS = {
  ">": ["greater than", "greater", "is greater than", "bigger than", "bigger", "more than", "larger than"],
  "<": ["less than", "less", "is less than", "smaller than", "smaller", "fewer than"],
  "=": ["equal", "equals", "equal to", "is equal to", "the same", "same", "=="],
};

function textKey(text, caseSensitive = false) {
  const cleaned = caseSensitive ? clean(text) : casefold(clean(text));
  return rstripChars(pySplit(cleaned).join(""), ".!");
}

const COMPARISON_KEYS = new Set(
  Object.entries(COMPARISON_WORDS).flatMap(([symbol, words]) => [symbol, ...words].map((key) => textKey(key))),
);

/** An author's pattern as a full-match JavaScript RegExp, or null where JavaScript cannot read it. */
function compilePattern(pattern, caseSensitive) {
  const flags = caseSensitive ? "" : "i";
  for (const unicode of ["u", ""]) {
    try {
      return new RegExp(`^(?:${pattern})$`, flags + unicode);
    } catch {
      // Python syntax that JavaScript lacks, e.g. (?P<name>...): try without "u", then give up.
    }
  }
  return null;
}

function checkText(spec, response) {
  const normalized = pySplit(clean(response)).join(" ");
  if (codePoints(normalized) > MAX_TEXT_LENGTH) {
    return result("malformed", `That answer is too long: use at most ${MAX_TEXT_LENGTH} characters`, null);
  }
  const isComparison = [..."<>="].some((sign) => normalized.includes(sign)) || COMPARISON_KEYS.has(textKey(response));
  if (Object.prototype.hasOwnProperty.call(COMPARISON_WORDS, spec.correct) && !isComparison) {
    return result("malformed", "Type <, > or = (or words such as 'less than')", null);
  }
  const sensitive = Boolean(spec.case_sensitive);
  const accepted = new Set([spec.correct, ...(spec.alternatives || [])].map((text) => textKey(text, sensitive)));
  if (accepted.has(textKey(response, sensitive))) return result("correct", "Correct!", normalized);
  const candidates = [normalized, pyStrip(rstripChars(normalized, ".!"))];
  for (const pattern of spec.patterns || []) {
    const compiled = compilePattern(pattern, sensitive);
    if (compiled === null) {
      // Cannot be checked here: the server checks it on sync (status "unchecked").
      return result("unchecked", "Saved: this answer is checked when you are back online.", normalized);
    }
    if (candidates.some((text) => compiled.test(text))) return result("correct", "Correct!", normalized);
  }
  return result("incorrect", `Not quite: the answer is ${spec.correct}.`, normalized);
}

function checkNumber(spec, response) {
  const numeric = spec.kind === "numeric";
  let written;
  try {
    written = readNumber(response, {
      allowDecimal: numeric || Boolean(spec.allow_decimal),
      allowMixed: spec.allow_mixed !== false && !numeric,
      allowFraction: !numeric,
    });
  } catch (error) {
    if (error instanceof Malformed) return result("malformed", error.message, null);
    throw error;
  }
  const expected = readNumber(spec.correct, { allowDecimal: true, allowMixed: true });
  if (written.num * expected.den !== expected.num * written.den) {
    return result("incorrect", `Not quite: ${written.text} is not equal to ${spec.correct}.`, written.text);
  }
  if (spec.require_simplest && !numeric) {
    if (!inSimplestForm(written)) {
      return result("incorrect", `Correct value, but write it in simplest form: ${spec.correct}`, written.text);
    }
    if (expected.form === "mixed" && written.form === "fraction") {
      return result("incorrect", `Correct value, but write it as a mixed number: ${spec.correct}`, written.text);
    }
  }
  if (written.text === expected.text) return result("correct", "Correct!", written.text);
  return result("correct", `Correct! ${written.text} is equal to ${spec.correct}.`, written.text);
}

/**
 * Mark `response` against an answer spec (AnswerSpec.to_dict()): {status, message, normalized} where
 * status is "correct", "incorrect", "malformed" (not an answer at all: not stored, not marked wrong) or
 * "unchecked" (a pattern JavaScript cannot read: stored, and the server's check decides).
 */
export function checkAnswer(spec, response) {
  if (spec.kind === "open_response") throw new Error(`${spec.kind} items are not scored automatically`);
  if (!pyStrip(response)) return result("malformed", "Please enter an answer", null);
  if (spec.kind === "multiple_choice") return checkChoice(spec, response);
  if (spec.kind === "multiple_select" || spec.kind === "ordering") return checkSelection(spec, response);
  if (spec.kind === "short_text") return checkText(spec, response);
  return checkNumber(spec, response);
}

// The API's answers in words a shopper understands (docs/contract.md lists the messages).
const BY_MESSAGE = {
  'user already exist': 'An account with this email already exists. Log in instead.',
  'user already verified': 'This account is already verified. You can log in.',
  'user not found': 'There is no account with this email. Sign up first.',
  'user not verified': 'This account is not verified yet. Enter the code we emailed you first.',
  'email or password is incorrect': 'The email or the password is not right.',
  'token expired': 'This code has expired. Ask for a new one below.',
  'token is wrong': 'This code is not right. Check the email and try again.',
  'token was recently sent, please wait before requesting another':
    'We sent a code a moment ago. Please wait a minute before asking for another.',
  'insufficient product stock': 'There is not enough stock for an item. Lower the quantity and try again.',
  'product not found': 'This product is no longer in the catalogue.',
  'order not found': 'We could not find this order.',
  'order already paid': 'This order is already paid.',
  'order already cancelled': 'This order is already cancelled.',
  'request duplicate': 'This request is already being handled. Please wait a moment and look again.',
};

function seconds(res) {
  return res.retryAfter === 1 ? '1 second' : `${res.retryAfter || 'a few'} seconds`;
}

// One sentence for a failed answer.
export function describe(res) {
  if (BY_MESSAGE[res.message]) return BY_MESSAGE[res.message];
  switch (res.status) {
    case 0: return 'We could not reach the shop. Check your connection and try again.';
    case 400: return res.errors.length ? 'Please correct the fields marked below.' : 'Some of what you entered was not accepted.';
    case 401: return 'Please log in to do this.';
    case 403: return 'This needs a shop administrator’s account.';
    case 404: return 'We could not find what you asked for.';
    case 408: case 504: return 'The shop took too long to answer. Please try again.';
    case 409: return 'This was already done.';
    case 413: return 'What you sent is too large.';
    case 429: return `Too many attempts. Please wait ${seconds(res)} and try again.`;
    case 503: return `The shop is busy right now. Please try again in ${seconds(res)}.`;
    default: return 'Something went wrong on our side. Please try again later.';
  }
}

const FIELD_RULES = [
  [/ is required$/, () => 'Please fill this in.'],
  [/ has invalid email format$/, () => 'Enter an email address like name@example.com.'],
  [/ length or value must be at least (\S+)$/, (m, numeric) => numeric ? `Must be at least ${m[1]}.` : `Use at least ${m[1]} characters.`],
  [/ length or value (\S+) must be at most$/, (m, numeric) => numeric ? `Must be at most ${m[1]}.` : `Use at most ${m[1]} characters.`],
  [/ length or value must be exactly (\S+)$/, (m, numeric) => numeric ? `Must be ${m[1]}.` : `Use exactly ${m[1]} characters.`],
  [/ must be greater than or equal to (\S+)$/, (m) => `Must be ${m[1]} or more.`],
  [/ must be lower than or equal to (\S+)$/, (m) => `Must be ${m[1]} or less.`],
  [/ must be greater than to (\S+)$/, (m) => `Must be more than ${m[1]}.`],
  [/^password is too common$/, () => 'This password is too easy to guess. Choose another.'],
  [/^password must not be the part of the email before @$/, () => 'The password must not be the name part of your email.'],
];

// A field's validation message in plain words; `numeric` for number fields.
export function describeField(message, numeric) {
  for (const [pattern, words] of FIELD_RULES) {
    const match = message.match(pattern);
    if (match) return words(match, numeric);
  }
  return 'This value is not accepted.';
}

/** The fixed material of the demo location: a small dental practice in Austin, Texas. All names are invented. */

export const DEMO_LOCATION_ID = 'sndbxLoc7Qz4mWp9XhT2';
export const DEMO_COMPANY_ID = 'sndbxCo3Lk8vRt5YpN6d';
export const DEMO_TIMEZONE = 'America/Chicago';

/** The practice's address, shared by the location and its business profile. */
const ADDRESS = {
  address: '2100 S Lamar Blvd, Suite 200',
  city: 'Austin',
  state: 'TX',
  country: 'US',
  postalCode: '78704',
  website: 'https://brightsmile.example',
  timezone: DEMO_TIMEZONE,
  logoUrl: 'https://brightsmile.example/logo.png',
};

export const LOCATION = {
  id: DEMO_LOCATION_ID,
  companyId: DEMO_COMPANY_ID,
  name: 'Bright Smile Dental (sandbox)',
  ...ADDRESS,
  firstName: 'Maya',
  lastName: 'Patel',
  email: 'frontdesk@brightsmile.example',
  phone: '+15125550100',
  business: { name: 'Bright Smile Dental', ...ADDRESS },
  social: { facebookUrl: 'https://www.facebook.com/brightsmile.example' },
  settings: { allowDuplicateContact: false, allowDuplicateOpportunity: false, allowFacebookNameMerge: false, disableContactTimezone: false },
};

export const USERS = [
  { firstName: 'Maya', lastName: 'Patel', email: 'maya.patel@brightsmile.example', phone: '+15125550101', role: 'admin' },
  { firstName: 'Jordan', lastName: 'Lee', email: 'jordan.lee@brightsmile.example', phone: '+15125550102', role: 'user' },
  { firstName: 'Sam', lastName: 'Rivera', email: 'sam.rivera@brightsmile.example', phone: '+15125550103', role: 'user' },
] as const;

export const FIRST_NAMES = [
  'Olivia', 'Liam', 'Emma', 'Noah', 'Ava', 'Elijah', 'Sophia', 'Mateo', 'Isabella', 'Lucas', 'Mia', 'Ethan', 'Amelia',
  'Daniel', 'Harper', 'Aiden', 'Evelyn', 'Jackson', 'Camila', 'Sebastian', 'Luna', 'Henry', 'Aria', 'Owen', 'Grace',
  'Leo', 'Chloe', 'Wyatt', 'Nora', 'Julian',
];

export const LAST_NAMES = [
  'Garcia', 'Nguyen', 'Johnson', 'Martinez', 'Brown', 'Kim', 'Davis', 'Lopez', 'Wilson', 'Anderson', 'Thomas', 'Moore',
  'Jackson', 'Hernandez', 'Clark', 'Lewis', 'Walker', 'Young', 'Allen', 'Wright', 'Scott', 'Torres', 'Hill', 'Flores',
];

export const EMAIL_DOMAINS = ['example.com', 'example.net', 'example.org'];
export const AREA_CODES = ['512', '737'];
export const SOURCES = ['website form', 'google ads', 'referral', 'walk-in', 'facebook'];
export const COMPANIES = ['Lamar Coffee Co.', 'Eastside Yoga', 'Barton Creek Realty', 'Austin Bike Works', 'Zilker Design Studio'];

export const TAGS = ['new patient', 'recall due', 'invisalign lead', 'vip', 'newsletter', 'whitening', 'insurance verified'];

export const CONTACT_FIELDS = [
  { name: 'Insurance Provider', dataType: 'SINGLE_OPTIONS', options: ['Delta Dental', 'Cigna', 'Aetna', 'MetLife', 'Self-pay'] },
  { name: 'Last Visit', dataType: 'DATE' },
  { name: 'Referral Source', dataType: 'TEXT', options: ['Google', 'Friend or family', 'Instagram', 'Drove by'] },
] as const;

export const OPPORTUNITY_FIELDS = [{ name: 'Treatment Type', dataType: 'SINGLE_OPTIONS', options: ['Exam', 'Whitening', 'Invisalign', 'Crown', 'Implant'] }] as const;

export const CUSTOM_VALUES = [
  { name: 'Office Phone', value: '(512) 555-0100' },
  { name: 'Booking Link', value: 'https://brightsmile.example/book' },
  { name: 'Office Hours', value: 'Mon–Fri 8am–5pm, Sat 9am–1pm' },
  { name: 'Review Link', value: 'https://brightsmile.example/review' },
];

export const NOTES = [
  'Prefers morning appointments before work.',
  'Asked about Invisalign pricing; sent the brochure by email.',
  'Mild anxiety about cleanings — offered noise-cancelling headphones.',
  'Insurance card on file; verified coverage for two cleanings a year.',
  'Referred by a coworker; mentioned the free whitening consult.',
  'Wants to bundle appointments with their two kids.',
  'Sensitive to cold on lower left molar; flag for the next exam.',
];

export const TASKS = [
  'Call to confirm insurance details',
  'Send post-visit care instructions',
  'Follow up on the treatment plan',
  'Book the six-month recall',
  'Email the Invisalign financing options',
];

export const PIPELINES = [
  { name: 'New Patients', stages: ['New Inquiry', 'Contacted', 'Consultation Booked', 'Treatment Plan Presented', 'Treatment Started'], value: [150, 1500], label: 'New patient exam' },
  { name: 'Invisalign', stages: ['Inquiry', 'Scan Scheduled', 'Proposal Sent', 'Aligners Ordered'], value: [3500, 6000], label: 'Invisalign' },
] as const;

/** Why deals are lost, as a practice names them (ids go in lostReasonId). */
export const LOST_REASONS = ['Price too high', 'Chose another practice', 'No response', 'Insurance not accepted'] as const;

/** Open hours per weekday set (0 = Sunday), in the location's time zone. */
export const CALENDARS = [
  {
    name: 'New Patient Consultation',
    description: 'A first visit: exam, X-rays and a treatment plan.',
    slotDuration: 30,
    openHours: [{ daysOfTheWeek: [1, 2, 3, 4, 5], hours: [[9, 0, 12, 0], [13, 0, 17, 0]] }],
    teamMember: 0,
  },
  {
    name: 'Cleaning & Checkup',
    description: 'Hygiene visit with a short exam.',
    slotDuration: 60,
    openHours: [
      { daysOfTheWeek: [1, 2, 3, 4, 5], hours: [[8, 0, 16, 0]] },
      { daysOfTheWeek: [6], hours: [[9, 0, 13, 0]] },
    ],
    teamMember: 2,
  },
  {
    name: 'Invisalign Scan',
    description: '3D scan and aligner consultation.',
    slotDuration: 45,
    openHours: [{ daysOfTheWeek: [2, 4], hours: [[10, 0, 15, 0]] }],
    teamMember: 0,
  },
] as const;

/** SMS threads between the office and a contact, in order. */
export const SMS_THREADS: { from: 'contact' | 'office'; lines: string[] }[] = [
  { from: 'contact', lines: ['Hi! Do you have anything open this week for a cleaning?', 'Hi {first}! We have Thursday at 10am or Friday at 2pm. Which works?', 'Thursday at 10 works, thanks!', 'You are booked. See you Thursday!'] },
  { from: 'contact', lines: ['Running about 10 minutes late, sorry!', 'No problem, {first} — see you soon.'] },
  { from: 'contact', lines: ['Is whitening covered by insurance?', 'Usually not, {first}, but we have a $149 take-home kit. Want details?', 'Yes please'] },
  { from: 'contact', lines: ['Can I move my appointment to next week?', 'Sure, {first}. Tuesday 9:30am or Wednesday 3pm?'] },
  { from: 'office', lines: ['Hi {first}, this is Bright Smile Dental: you are due for your six-month checkup. Reply YES to book.', 'YES', 'Great! We will call you today to pick a time.'] },
];

export const EMAILS = [
  { subject: 'Your treatment plan', body: 'Hi {first}, attached is the treatment plan we discussed. Let us know if you have questions.' },
  { subject: 'Welcome to Bright Smile Dental', body: 'Hi {first}, thanks for choosing us! Your new-patient forms are ready online.' },
  { subject: 'Invisalign financing options', body: 'Hi {first}, here are three monthly plans for Invisalign, starting at $250/month.' },
];

export const PRODUCTS = [
  { name: 'New Patient Exam & X-rays', productType: 'SERVICE', description: 'Comprehensive exam with full-mouth X-rays.', prices: [{ name: 'Exam', type: 'one_time', amount: 199 }] },
  { name: 'Teeth Whitening Kit', productType: 'PHYSICAL', description: 'Custom trays and two weeks of gel.', prices: [{ name: 'Kit', type: 'one_time', amount: 149 }] },
  {
    name: 'Invisalign Treatment',
    productType: 'SERVICE',
    description: 'Clear aligner treatment, including refinements.',
    prices: [
      { name: 'Paid in full', type: 'one_time', amount: 4800 },
      { name: 'Monthly plan', type: 'recurring', amount: 250, recurring: { interval: 'month', intervalCount: 1 }, totalCycles: 20 },
    ],
  },
  {
    name: 'Smile Membership',
    productType: 'SERVICE',
    description: 'Two cleanings, exams and X-rays a year, 15% off treatment.',
    prices: [
      { name: 'Monthly', type: 'recurring', amount: 29, recurring: { interval: 'month', intervalCount: 1 } },
      { name: 'Yearly', type: 'recurring', amount: 299, recurring: { interval: 'year', intervalCount: 1 } },
    ],
  },
  { name: 'Sonic Electric Toothbrush', productType: 'PHYSICAL', description: 'Rechargeable, two brush heads.', prices: [{ name: 'Toothbrush', type: 'one_time', amount: 89 }] },
] as const;

/** Invoices: which product, whose (contact index), and how far along. */
export const INVOICES = [
  { product: 0, contact: 0, status: 'paid', daysAgo: 40 },
  { product: 1, contact: 1, status: 'sent', daysAgo: 6 },
  { product: 2, contact: 2, status: 'draft', daysAgo: 1 },
  { product: 3, contact: 3, status: 'sent', daysAgo: 45 },
] as const;

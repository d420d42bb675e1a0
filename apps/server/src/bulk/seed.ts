import type { RawRecord } from './records.js';

// Realistic, reproducible demo users: the same N and seed always give the same users (a small PRNG, no network).

const FIRST_NAMES = [
  'Ada',
  'Alan',
  'Amara',
  'Ana',
  'Aria',
  'Ben',
  'Chen',
  'Chloé',
  'Dario',
  'David',
  'Elena',
  'Emma',
  'Fatima',
  'Finn',
  'Grace',
  'Hana',
  'Hugo',
  'Ines',
  'Ivan',
  'James',
  'Jürgen',
  'Kai',
  'Kenji',
  'Lara',
  'Leo',
  'Lucía',
  'Maya',
  'Mateo',
  'Mei',
  'Mohammed',
  'Nadia',
  'Noah',
  'Olga',
  'Omar',
  'Priya',
  'Rafael',
  'Rosa',
  'Sami',
  'Sofia',
  'Søren',
  'Tariq',
  'Tomás',
  'Una',
  'Victor',
  'Wen',
  'Yara',
  'Yusuf',
  'Zoë',
];
const LAST_NAMES = [
  'Abbott',
  'Adeyemi',
  'Andersen',
  'Bauer',
  'Becker',
  'Brown',
  'Castro',
  'Chen',
  'Costa',
  'Dubois',
  'Evans',
  'Fischer',
  'García',
  'Gonzalez',
  'Hansen',
  'Hernández',
  'Ivanova',
  'Jansen',
  'Johnson',
  'Kim',
  'Kowalski',
  'Larsen',
  'Lee',
  'López',
  'Martin',
  'Müller',
  'Nakamura',
  'Nguyen',
  'Novak',
  "O'Brien",
  'Okafor',
  'Patel',
  'Petrov',
  'Quinn',
  'Rossi',
  'Santos',
  'Schmidt',
  'Silva',
  'Singh',
  'Smith',
  'Sørensen',
  'Tanaka',
  'Taylor',
  'Walker',
  'Wang',
  'Weber',
  'Williams',
  'Yilmaz',
  'Zhang',
];
const DOMAINS = ['example.com', 'example.org', 'mail.test', 'acme.test', 'globex.test', 'initech.test'];
const DEPARTMENTS = ['Sales', 'Support', 'Finance', 'Engineering', 'Marketing', 'Operations', 'Legal'];
const REGIONS = ['EU', 'NA', 'APAC', 'LATAM', 'MEA'];

/** mulberry32: 32 bits of state, fast, and the same sequence everywhere. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ascii = (name: string) =>
  name
    .normalize('NFD')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();

/**
 * `count` users of `buyerId` numbered from 1. IDs carry the number and usernames the number and the buyer, so they
 * are unique within the buyer and across buyers (usernames are global).
 */
export function* seedUsers(count: number, buyerId: string, seed = 1): Generator<RawRecord> {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const width = String(count).length;
  for (let n = 1; n <= count; n++) {
    const first = pick(FIRST_NAMES);
    const last = pick(LAST_NAMES);
    const number = String(n).padStart(width, '0');
    yield {
      ID: `user-${number}`,
      Username: `${ascii(first)}.${ascii(last)}.${number}@${buyerId}`,
      FirstName: first,
      LastName: last,
      Email: `${ascii(first)}.${ascii(last)}${n}@${pick(DOMAINS)}`,
      Phone: random() < 0.6 ? `+1-555-${String(Math.floor(random() * 10_000)).padStart(4, '0')}` : undefined,
      Active: random() < 0.95,
      xp: {
        Department: pick(DEPARTMENTS),
        Region: pick(REGIONS),
        Tier: 1 + Math.floor(random() * 5),
        Newsletter: random() < 0.3,
      },
    };
  }
}

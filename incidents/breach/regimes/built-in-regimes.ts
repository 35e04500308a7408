import type { NoticeTemplate, RegimeDefinitionInput } from './regime-definition.ts';
import { RegimeDefinition } from './regime-definition.ts';

/** A letter to people whose data was involved, with the sections regulators expect (cf. HIPAA §164.404(c), GDPR Art. 34(2)). */
const letterToPeople: NoticeTemplate = {
  subject: 'Notice of a data security incident involving your information',
  greeting: 'Dear {{recipient.name}},',
  sections: {
    whatHappened: {
      heading: 'What happened',
      body: 'On {{anchors.awareAt}}, {{organization}} became aware of a security incident affecting some of our systems. {{facts.natureOfBreach}}',
    },
    whatInformationWasInvolved: {
      heading: 'What information was involved',
      body: 'The information involved may include: {{facts.dataCategories}}.',
    },
    whatWeAreDoing: { heading: 'What we are doing', body: '{{facts.measuresTaken}}' },
    whatYouCanDo: {
      heading: 'What you can do',
      body: 'Be cautious of unexpected messages that ask for your personal information or passwords, and review your account activity. If you reused a password with us elsewhere, change it there as well.',
    },
    otherImportantInformation: { heading: 'Other important information', body: '{{facts.likelyConsequences}}' },
    forMoreInformation: { heading: 'For more information', body: 'If you have questions, contact {{facts.contactPoint}}.' },
  },
};

const letterToCustomer: NoticeTemplate = {
  ...letterToPeople,
  subject: 'Security incident notification from {{organization}}',
  sections: {
    ...letterToPeople.sections,
    whatYouCanDo: {
      heading: 'What you can do',
      body: 'Review the access logs of your account for the period named above and rotate credentials you shared with us. Your contract contact can give you details for your own notifications.',
    },
  },
};

const letterToAuthority: NoticeTemplate = {
  subject: 'Notification of a personal data breach (Art. 33 GDPR) by {{organization}}',
  greeting: 'To {{recipient.name}},',
  sections: {
    whatHappened: {
      heading: 'Nature of the personal data breach',
      body: '{{facts.natureOfBreach}} We became aware of the breach on {{anchors.awareAt}}.',
    },
    whatInformationWasInvolved: {
      heading: 'Categories and approximate number of data subjects and records concerned',
      body: 'Categories of data: {{facts.dataCategories}}. Approximate number of data subjects: {{facts.peopleAffected}}. Approximate number of records: {{facts.recordsAffected}}.',
    },
    whatWeAreDoing: { heading: 'Measures taken or proposed to address the breach', body: '{{facts.measuresTaken}}' },
    whatYouCanDo: { heading: 'Likely consequences of the breach', body: '{{facts.likelyConsequences}}' },
    otherImportantInformation: {
      heading: 'Other information',
      body: 'Encryption of the data concerned: {{facts.encrypted}}. Risk assessment: {{facts.riskLevel}}. {{facts.riskRationale}}',
    },
    forMoreInformation: { heading: 'Data protection officer or contact point', body: '{{facts.contactPoint}}' },
  },
};

const letterToPeopleGerman: NoticeTemplate = {
  subject: 'Benachrichtigung über eine Verletzung des Schutzes Ihrer personenbezogenen Daten',
  greeting: 'Sehr geehrte/r {{recipient.name}},',
  sections: {
    whatHappened: {
      heading: 'Was ist passiert',
      body: 'Am {{anchors.awareAt}} hat {{organization}} von einem Sicherheitsvorfall erfahren. {{facts.natureOfBreach}}',
    },
    whatInformationWasInvolved: { heading: 'Welche Daten betroffen sind', body: 'Betroffen sein können: {{facts.dataCategories}}.' },
    whatWeAreDoing: { heading: 'Was wir unternehmen', body: '{{facts.measuresTaken}}' },
    whatYouCanDo: {
      heading: 'Was Sie tun können',
      body: 'Seien Sie vorsichtig bei unerwarteten Nachrichten, die nach Passwörtern oder persönlichen Daten fragen.',
    },
    otherImportantInformation: { heading: 'Weitere wichtige Informationen', body: '{{facts.likelyConsequences}}' },
    forMoreInformation: { heading: 'Weitere Auskünfte', body: 'Bei Fragen wenden Sie sich an {{facts.contactPoint}}.' },
  },
};

const contract = (hours: number): RegimeDefinitionInput => ({
  id: `contract-${hours}h`,
  name: `Contract: notify customers within ${hours} hours`,
  description: `A customer contract or security policy promising notice of a data breach within ${hours} hours after the incident has been identified.`,
  timeZone: 'UTC',
  obligations: [
    {
      key: 'customer_notice',
      title: `Notify affected customers within ${hours} h`,
      recipient: 'customers',
      trigger: 'An incident affecting customer data has been identified.',
      contentRequired: ['what happened', 'what information was involved', 'what we are doing', 'what the customer can do', 'contact'],
      deadline: { earliestOf: [{ anchor: 'identifiedAt', offset: { amount: hours, unit: 'hours' } }] },
      notices: { en: letterToCustomer },
    },
  ],
});

const BUILT_IN_INPUTS: RegimeDefinitionInput[] = [
  contract(24),
  contract(48),
  {
    id: 'gdpr',
    name: 'GDPR (EU) 2016/679, Articles 33 and 34',
    description: 'Notification of a personal data breach to the supervisory authority and communication to the data subjects.',
    timeZone: 'Europe/Brussels',
    obligations: [
      {
        key: 'art33_authority',
        title: 'Art. 33: notify the supervisory authority',
        recipient: 'supervisory_authority',
        trigger: 'A personal data breach, unless it is unlikely to result in a risk to the rights and freedoms of natural persons.',
        conditions: [{ fact: 'personalData', equals: true }],
        contentRequired: [
          'Art. 33(3)(a) nature of the breach, categories and approximate number of data subjects and records',
          'Art. 33(3)(b) name and contact details of the DPO or other contact point',
          'Art. 33(3)(c) likely consequences',
          'Art. 33(3)(d) measures taken or proposed, including mitigation',
          'Art. 33(1) reasons for any delay beyond 72 hours',
        ],
        deadline: { earliestOf: [{ anchor: 'awareAt', offset: { amount: 72, unit: 'hours' } }] },
        deadlineText: 'without undue delay and, where feasible, not later than 72 hours after having become aware of it',
        notices: { en: letterToAuthority },
      },
      {
        key: 'art34_data_subjects',
        title: 'Art. 34: communicate the breach to the data subjects',
        recipient: 'data_subjects',
        trigger: 'The breach is likely to result in a high risk to the rights and freedoms of natural persons.',
        conditions: [
          { fact: 'personalData', equals: true },
          { fact: 'riskLevel', equals: 'high' },
        ],
        contentRequired: [
          'Art. 34(2): nature of the breach in clear and plain language, contact point, likely consequences, measures taken',
        ],
        deadline: null,
        deadlineText: 'without undue delay',
        notices: { en: letterToPeople, de: letterToPeopleGerman },
      },
    ],
  },
  {
    id: 'nis2',
    name: 'NIS2 Directive (EU) 2022/2555, Article 23',
    description: 'Reporting of significant incidents to the CSIRT or competent authority.',
    timeZone: 'Europe/Brussels',
    obligations: [
      {
        key: 'early_warning',
        title: 'Early warning',
        recipient: 'csirt',
        trigger: 'A significant incident.',
        contentRequired: [
          'whether the incident is suspected of being caused by unlawful or malicious acts',
          'whether it could have a cross-border impact',
        ],
        deadline: { earliestOf: [{ anchor: 'awareAt', offset: { amount: 24, unit: 'hours' } }] },
      },
      {
        key: 'incident_notification',
        title: 'Incident notification',
        recipient: 'csirt',
        trigger: 'A significant incident.',
        contentRequired: [
          'update of the early warning',
          'initial assessment: severity and impact',
          'indicators of compromise where available',
        ],
        deadline: { earliestOf: [{ anchor: 'awareAt', offset: { amount: 72, unit: 'hours' } }] },
      },
      {
        key: 'final_report',
        title: 'Final report',
        recipient: 'csirt',
        trigger: 'Submission of the incident notification.',
        contentRequired: [
          'detailed description, severity and impact',
          'type of threat or root cause',
          'mitigation measures applied and ongoing',
          'cross-border impact',
        ],
        deadline: { earliestOf: [{ afterSubmissionOf: 'incident_notification', offset: { amount: 1, unit: 'months' } }] },
      },
    ],
  },
  {
    id: 'sec-8k',
    name: 'SEC Form 8-K Item 1.05 (material cybersecurity incidents)',
    description: 'Disclosure within four business days after the registrant determines that an incident is material.',
    timeZone: 'America/New_York',
    businessCalendar: 'us-federal',
    obligations: [
      {
        key: 'form_8k',
        title: 'File Form 8-K Item 1.05',
        recipient: 'sec',
        trigger: 'The registrant determines that a cybersecurity incident is material.',
        contentRequired: [
          'material aspects of the nature, scope and timing of the incident',
          'material impact or reasonably likely material impact on the registrant',
        ],
        // EDGAR's filing day ends at 5:30 p.m. Eastern for a filing to carry that day's date.
        deadline: {
          earliestOf: [{ anchor: 'materialityDeterminedAt', offset: { amount: 4, unit: 'business_days' }, dueTimeOfDay: '17:30' }],
        },
      },
    ],
  },
  {
    id: 'hipaa',
    name: 'HIPAA Breach Notification Rule (45 CFR 164.400-414)',
    description: 'Notification of a breach of unsecured protected health information.',
    timeZone: 'America/New_York',
    obligations: [
      {
        key: 'individuals',
        title: 'Notify affected individuals (§164.404)',
        recipient: 'individuals',
        trigger: 'Discovery of a breach of unsecured protected health information.',
        contentRequired: [
          'what happened, with dates of breach and discovery',
          'types of PHI involved',
          'steps individuals should take',
          'what the entity is doing',
          'contact procedures',
        ],
        deadline: { earliestOf: [{ anchor: 'discoveredAt', offset: { amount: 60, unit: 'calendar_days' } }] },
        deadlineText: 'without unreasonable delay and in no case later than 60 calendar days after discovery',
        notices: { en: letterToPeople },
      },
      {
        key: 'hhs',
        title: 'Notify the Secretary of HHS (§164.408), 500 or more individuals',
        recipient: 'hhs',
        trigger: 'A breach involving 500 or more individuals.',
        conditions: [{ fact: 'peopleAffected', atLeast: 500 }],
        deadline: { earliestOf: [{ anchor: 'discoveredAt', offset: { amount: 60, unit: 'calendar_days' } }] },
      },
      {
        key: 'media',
        title: 'Notify prominent media outlets (§164.406)',
        recipient: 'media',
        trigger: 'A breach involving more than 500 residents of a State or jurisdiction.',
        conditions: [{ fact: 'peopleAffected', atLeast: 501 }],
        deadline: { earliestOf: [{ anchor: 'discoveredAt', offset: { amount: 60, unit: 'calendar_days' } }] },
      },
    ],
  },
  {
    id: 'dora',
    name: 'DORA (EU) 2022/2554, Article 19, major ICT-related incidents',
    description:
      'Initial notification, intermediate and final reports to the competent authority (time limits of the RTS/ITS on incident reporting).',
    timeZone: 'Europe/Brussels',
    obligations: [
      {
        key: 'initial_notification',
        title: 'Initial notification',
        recipient: 'competent_authority',
        trigger: 'An ICT-related incident classified as major.',
        contentRequired: [
          'classification criteria met',
          'description of the incident',
          'impact on other financial entities or third parties',
        ],
        // 4 hours from classification, but no later than 24 hours from awareness: the earlier of the two.
        deadline: {
          earliestOf: [
            { anchor: 'classifiedAt', offset: { amount: 4, unit: 'hours' } },
            { anchor: 'awareAt', offset: { amount: 24, unit: 'hours' } },
          ],
        },
      },
      {
        key: 'intermediate_report',
        title: 'Intermediate report',
        recipient: 'competent_authority',
        trigger: 'Submission of the initial notification.',
        deadline: { earliestOf: [{ afterSubmissionOf: 'initial_notification', offset: { amount: 72, unit: 'hours' } }] },
      },
      {
        key: 'final_report',
        title: 'Final report',
        recipient: 'competent_authority',
        trigger: 'Submission of the intermediate report.',
        deadline: { earliestOf: [{ afterSubmissionOf: 'intermediate_report', offset: { amount: 1, unit: 'months' } }] },
      },
    ],
  },
];

/** The regimes Firebreak knows without configuration, validated like any operator's. */
export const BUILT_IN_REGIMES: readonly RegimeDefinition[] = BUILT_IN_INPUTS.map((input) => RegimeDefinition.parse(input));

export function builtInRegime(id: string): RegimeDefinition | undefined {
  return BUILT_IN_REGIMES.find((regime) => regime.id === id);
}

// Shared sample inputs for the HL7 builder tests.
import type { GpSummaryInput, MessageContext } from '../../../main/hl7/index';

export const NHS = '9449310742';

export const CONTEXT: MessageContext = {
  messageId: '0f8fad5b-d9cb-469f-a165-70867728950e',
  creationTime: new Date('2026-07-01T09:30:15Z'),
  fromAsid: '200000000117',
  toAsid: '928942012545',
  author: { roleProfileId: '555254240100', userUuid: '555254239107', jobRoleCode: 'S8000:G8000:R8000' },
};

export const GP_SUMMARY: GpSummaryInput = {
  id: '7D5C7E3A-1A4B-4F0A-9C8E-2B1D3E4F5A6B',
  kind: 'update',
  effectiveTime: new Date('2026-01-10T14:00:00Z'),
  nhsNumber: NHS,
  author: { roleProfileId: '555254240100', userId: '555254239107', name: 'Dr Ada Jones' },
  presentationTextId: '8E6D8F4B-2B5C-4A1B-8D9F-3C2E4F5A6B7C',
  presentation: [
    { kind: 'heading', text: 'General Practice Summary' },
    { kind: 'paragraph', text: 'Summary Created: 10-Jan-2026' },
    { kind: 'heading', text: 'Allergies and Adverse Reactions' },
    {
      kind: 'table',
      header: ['Date', 'Description'],
      rows: [['15-Jun-2010', 'Adverse reaction to erythromycin']],
    },
  ],
  entries: [
    {
      kind: 'allergy',
      id: '016CFE10-FE26-11E4-8E2F-010000002000',
      date: '2010-06-15',
      code: '218291007',
      display: 'Adverse reaction to erythromycin',
      reaction: 'severe vomiting',
    },
    {
      kind: 'repeat',
      id: '116CFE10-FE26-11E4-8E2F-010000002000',
      date: '2025-12-01',
      drugCode: '322236009',
      drugName: 'Paracetamol 500mg tablets',
      dosage: 'Two tablets four times a day',
      quantity: { value: '100', unit: '1', text: 'tablet' },
    },
    {
      kind: 'problem',
      id: '216CFE10-FE26-11E4-8E2F-010000002000',
      date: '2019-03-02',
      code: '195967001',
      display: 'Asthma',
    },
  ],
  replacementOf: 'A05B9416-F700-48F1-99D8-98874D3406B9',
};

/** The ebXML routing of a reliable GP Summary upload as the spec's sample gives it (spec 4.2). */
export const RELIABLE_EBXML = {
  cpaId: 'S20001A000182',
  conversationId: '6B0B7A4E-96A7-4C2A-9F3D-0D1E2F3A4B5C',
  messageId: '6B0B7A4E-96A7-4C2A-9F3D-0D1E2F3A4B5C',
  service: 'urn:nhs:names:services:psis',
  action: 'REPC_IN150016UK05',
  fromPartyKey: 'A91424-9199121',
  toPartyKey: 'YES-0000806',
  ackRequested: true,
  duplicateElimination: true,
  syncReply: true,
  timestamp: new Date('2026-07-01T09:30:15Z'),
} as const;

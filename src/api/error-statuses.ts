/**
 * @module api/error-statuses
 * The HTTP status each domain code is answered with. Typed as a full record of
 * {@link DomainCode}, so a code added to the domain's catalogue fails the build until it is given
 * a status here.
 */
import type { DomainCode } from '../core/shared/errors.js';

export const DOMAIN_STATUS: Readonly<Record<DomainCode, number>> = {
  'ModelArts.6301': 400,
  'ModelArts.6302': 400,
  'ModelArts.6303': 400,
  'ModelArts.6304': 400,
  'ModelArts.6305': 400,
  'ModelArts.6306': 400,
  'ModelArts.6307': 400,
  'ModelArts.6308': 400,
  'ModelArts.6309': 400,
  'ModelArts.6316': 400,
  'ModelArts.6317': 400,
  'ModelArts.6318': 400,
  'ModelArts.6323': 400,
  'ModelArts.6324': 400,
  'ModelArts.6327': 400,
  'ModelArts.6328': 400,
  'ModelArts.6329': 400,
  'ModelArts.6330': 400,
  'ModelArts.6331': 400,
  'ModelArts.6332': 400,
  'ModelArts.6334': 400,
  'ModelArts.6335': 400,
  'ModelArts.6336': 400,
  'ModelArts.6346': 400,
  'ModelArts.6347': 400,
  'ModelArts.6348': 400,
  'ModelArts.6349': 400,
  'ModelArts.6357': 400,
  'ModelArts.6358': 400,
  'ModelArts.6360': 400,
  'ModelArts.6361': 400,
  'ModelArts.6390': 400,
  'ModelArts.6391': 400,
  'ModelArts.6392': 400,
  'ModelArts.6393': 404,
  /* Refused as a spent quota is (0113). */
  'ModelArts.6394': 400,
  'ModelArts.0113': 400,
  'ModelArts.0201': 401,
  'ModelArts.0202': 401,
  'ModelArts.0203': 401,
  'ModelArts.0210': 403,
  'ModelArts.0108': 403,
  'ModelArts.0109': 403,
  'APIGW.0301': 401,
  'IAM.0001': 401,
  'IAM.0002': 404,
  'IAM.0003': 409,
  'IAM.0004': 400,
  /* Huawei IAM answers a locked account 401 "The account is locked." for 15 minutes. */
  'IAM.0005': 401,
};

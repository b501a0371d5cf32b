import type { CertificateState, UnderwriteResult } from '../generated/graphql.ts';

export const CERTIFICATE: Record<CertificateState, string> = {
  NONE: '未上传证件 No certificates',
  PARTIAL: '上传部分证件 Some certificates',
  COMPLETE: '证件全部上传 All certificates',
};

export const RESULT: Record<UnderwriteResult, string> = {
  PASSED: '通过 Passed',
  FAILED: '未通过 Failed',
};

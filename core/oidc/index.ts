// The state sign-in as Kattoo's relying party (K-ID-1): configuration and the protocol.
export {
  DEMO_CLIENT_ID,
  DEMO_IDP_PATH,
  demoOidcConfig,
  type OidcConfig,
  OidcConfigError,
  oidcConfigFromEnv,
} from './config.ts';
export {
  type AuthorizationChecks,
  createRelyingParty,
  OidcError,
  type OidcFailure,
  type RelyingParty,
  type RelyingPartyOptions,
  type VerifiedPerson,
} from './relying-party.ts';

import {
  ClientCertificateCredential,
  ClientSecretCredential,
  ManagedIdentityCredential,
  type TokenCredential,
} from '@azure/identity';

/**
 * How roomsync proves itself to Graph (app-only): a client secret, a certificate (the recommended
 * choice for production), or the Function App's managed identity with Graph application permissions.
 * `authorityHost` points the secret and certificate flows at another token endpoint (the emulator).
 */
export type GraphAuth =
  | { kind: 'clientSecret'; tenantId: string; clientId: string; clientSecret: string; authorityHost?: string }
  | {
      kind: 'certificate';
      tenantId: string;
      clientId: string;
      certificatePath: string;
      authorityHost?: string;
    }
  | { kind: 'managedIdentity'; clientId?: string };

export function graphCredential(auth: GraphAuth): TokenCredential {
  switch (auth.kind) {
    case 'clientSecret':
      return new ClientSecretCredential(auth.tenantId, auth.clientId, auth.clientSecret, {
        ...(auth.authorityHost ? { authorityHost: auth.authorityHost, disableInstanceDiscovery: true } : {}),
      });
    case 'certificate':
      return new ClientCertificateCredential(auth.tenantId, auth.clientId, auth.certificatePath, {
        ...(auth.authorityHost ? { authorityHost: auth.authorityHost, disableInstanceDiscovery: true } : {}),
      });
    case 'managedIdentity':
      return auth.clientId
        ? new ManagedIdentityCredential({ clientId: auth.clientId })
        : new ManagedIdentityCredential();
  }
}

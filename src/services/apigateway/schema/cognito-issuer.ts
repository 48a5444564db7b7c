/**
 * A Cognito user pool's token issuer (apigateway.md §10.2): the ProviderARN
 * `arn:aws:cognito-idp:<region>:<account>:userpool/<poolId>` issues tokens with
 * `iss` = `https://cognito-idp.<region>.amazonaws.com/<poolId>`, and publishes its keys under it.
 */
const USER_POOL_ARN = /^arn:aws[a-z-]*:cognito-idp:([a-z0-9-]+):\d{12}:userpool\/([\w-]+)$/;

export function cognitoIssuer(providerArn: string): string | undefined {
  const m = USER_POOL_ARN.exec(providerArn);
  return m ? `https://cognito-idp.${m[1]}.amazonaws.com/${m[2]}` : undefined;
}

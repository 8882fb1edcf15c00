/** Declarative policies: account settings enforced by the service itself. */
export { ec2DeclarativePolicy, declarativeJson, declarativeSize, DECLARATIVE_POLICY_MAX_CHARS, type DeclarativePolicy, type Ec2DeclarativeContent } from './ec2';

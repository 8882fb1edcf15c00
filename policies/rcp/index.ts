/** Resource control policies: ceilings on what resources in member accounts may allow. */
export { identityPerimeterRcp, perimeterResources, type PerimeterResources } from './identity-perimeter';

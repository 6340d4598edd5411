// bpmn-moddle and dmn-moddle ship no type declarations for their entry points;
// the engine reads their trees through the narrow `ModdleElement` view in bpmn.ts.
declare module 'bpmn-moddle' {
  const BpmnModdle: new (packages?: Record<string, unknown>) => {
    fromXML(xml: string, type?: string): Promise<{ rootElement: any; warnings: Array<{ message: string }>; elementsById: Record<string, any> }>;
  };
  export { BpmnModdle };
}
declare module 'dmn-moddle' {
  const DmnModdle: new (packages?: Record<string, unknown>) => {
    fromXML(xml: string, type?: string): Promise<{ rootElement: any; warnings: Array<{ message: string }> }>;
  };
  export { DmnModdle };
}

// Defaulting of PodSpec and PodTemplateSpec (stub; filled in below).
export type Obj = Record<string, any>;
export function setDefaultsPodSpec(spec: Obj): void { void spec; }
export function setDefaultsPodTemplateSpec(tpl: Obj): void { void tpl; }

// azure-ai-ml 1.10.0's asset identities, so a workspace holds one copy of each asset whether
// `az ml` or this project created it. Pure functions of files and REST bodies.

export {
  ANONYMOUS_COMPONENT_NAME,
  ANONYMOUS_HASH_OMITTED_KEYS,
  anonymousComponentVersion,
  hashDict,
} from "../../../compiled/anonymousComponent";
export { type JsonLike, pythonJsonDumps } from "../../../compiled/pythonJson";
export { pythonFloatRepr } from "../../../compiled/pythonText";
export {
  ANONYMOUS_ENVIRONMENT_NAME,
  anonymousBuildEnvironmentVersion,
  anonymousImageEnvironmentVersion,
  condaFileText,
  condaValueText,
  type ImageEnvironment,
  md5Hex,
} from "./anonymousEnvironment";
export {
  codeHashQuery,
  codeVersionHashProperties,
  CONTENT_HASH_VERSION,
  contentHash,
  fileListContentHash,
} from "./contentHash";
export { compileWildMatch, type WildMatchPattern } from "./gitWildMatch";
export {
  COMPONENT_CODE_IGNORES,
  componentCodeIgnoreRules,
  componentIgnoreRules,
  findIgnoreFile,
  folderIgnoreRules,
  type IgnoreRules,
  isExcluded,
  NO_IGNORE,
} from "./ignoreFile";
export {
  ARTIFACT_ORIGIN,
  localDataUri,
  localUploadPath,
  objectHash,
  WORKSPACE_BLOB_STORE,
} from "./objectHash";
export { type Dumpable, dumpPyYaml } from "./pyYamlDump";
export { loadPyYaml } from "./pyYamlLoad";
export type { PyScalar, PyValue } from "./pyYamlResolver";
export { listUploadFiles, type UploadFile } from "./uploadFiles";

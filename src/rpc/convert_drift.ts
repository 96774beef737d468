// Compile-time guard: every tasks.ts type and its proto message have the same field names,
// so adding a field on one side only fails `deno check` (spreads in the converters would
// otherwise drop or leak it silently). Nothing here runs.
import type * as t from "./tasks.ts";
import type * as pb from "./gen/codegen/v1/tools.ts";
import type * as wpb from "./gen/codegen/v1/worker.ts";

type Same<A, B> = [keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false)
  : false;

/** One entry per pair; a `false` here is a type error. */
export type DriftChecks = [
  Same<t.FsReadArgs, pb.FsReadRequest>,
  Same<t.FsReadResult, pb.FsReadResponse>,
  Same<t.FsWriteArgs, pb.FsWriteRequest>,
  Same<t.FsWriteResult, pb.FsWriteResponse>,
  Same<t.FsListArgs, pb.FsListRequest>,
  Same<t.FsListResult, pb.FsListResponse>,
  Same<t.FsEntry, pb.FsEntry>,
  Same<t.FsDeleteArgs, pb.FsDeleteRequest>,
  Same<t.FsDeleteResult, pb.FsDeleteResponse>,
  Same<Omit<t.WorkspaceStatsArgs, "_">, pb.WorkspaceStatsRequest>,
  Same<t.WorkspaceStatsResult, pb.WorkspaceStatsResponse>,
  Same<t.RunPythonArgs, pb.RunPythonRequest>,
  Same<t.RunPythonResult, pb.RunPythonResponse>,
  Same<t.Artifact, pb.Artifact>,
  Same<t.PkgInstallArgs, pb.PkgInstallRequest>,
  Same<t.PkgInstallResult, pb.PkgInstallResponse>,
  Same<t.PkgInstallResult["installed"][number], pb.InstalledPackage>,
  Same<t.TestRunArgs, pb.TestRunRequest>,
  Same<t.TestRunResult, pb.TestRunResponse>,
  Same<t.TestRunResult["failures"][number], pb.TestFailure>,
  Same<t.ArtifactGetArgs, pb.ArtifactGetRequest>,
  Same<t.ArtifactGetResult, pb.ArtifactGetResponse>,
  Same<t.SessionLimits, wpb.Limits>,
  Same<t.TaskError, wpb.TaskError>,
];

type AllTrue<T extends boolean[]> = T[number] extends true ? true : false;
const CHECKED: AllTrue<DriftChecks> = true;
/** Always true; exported so the constant above is type-checked and not unused. */
export const PROTO_FIELDS_MATCH: boolean = CHECKED;

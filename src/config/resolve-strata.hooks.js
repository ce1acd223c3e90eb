// Node module hooks, registered by load-config before a project's strata.config.ts is imported.
// A project made by `strata init` imports 'strata' without having it in node_modules; when normal
// resolution fails, the running strata answers instead.
let fallbackUrl;

export function initialize(data) {
  fallbackUrl = data.fallbackUrl;
}

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    if (specifier === 'strata' && error && error.code === 'ERR_MODULE_NOT_FOUND') {
      return { url: fallbackUrl, shortCircuit: true };
    }
    throw error;
  }
}

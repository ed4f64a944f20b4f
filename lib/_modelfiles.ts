// Reading a saved model's folder (wordlm.ts): one-line errors that name the file.

/** The files of the model folder `dir`: bytes, or parsed JSON. */
export function modelFolder(dir: string) {
  const read = async <T>(name: string, f: (path: string) => Promise<T>): Promise<T> => {
    try {
      return await f(`${dir}/${name}`);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) throw new Error(`Cannot load model: ${dir}/${name} does not exist`);
      throw e;
    }
  };
  return {
    bytes: (name: string) => read(name, Deno.readFile),
    // deno-lint-ignore no-explicit-any
    json: async (name: string): Promise<any> => {
      const text = await read(name, Deno.readTextFile);
      try {
        return JSON.parse(text);
      } catch {
        throw new Error(`Cannot load model: ${dir}/${name} is not valid JSON`);
      }
    },
  };
}

// Type-level checks that tie a contract's value declarations to its TypeScript types: given a map
// of kinds to types, each argument and request field must be declared with a kind of exactly its
// type, an optional field with the kind followed by '?'. A field added to a request without a
// declaration, or declared with a kind of another type, is a compile error.

// Same keys too: a request of optional fields only is assignable both ways to any other such type
// (the manifest draft), and would otherwise read as one.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? ([keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false) : false) : false;
type KindsOf<Kinds, V> = { [K in keyof Kinds & string]: Same<Kinds[K], V> extends true ? K : never }[keyof Kinds & string];
type FieldDeclaration<Kinds, T, K extends keyof T> =
  {} extends Pick<T, K> ? `${KindsOf<Kinds, Exclude<T[K], undefined>>}?` : KindsOf<Kinds, T[K]>;
/** A request object's declaration: one kind per field, every field. */
export type RequestDeclaration<Kinds, T> = { readonly [K in keyof T]-?: FieldDeclaration<Kinds, T, K> };
type ArgumentDeclaration<Kinds, A> = [KindsOf<Kinds, A>] extends [never] ? RequestDeclaration<Kinds, A> : KindsOf<Kinds, A>;
type MethodDeclaration<Kinds, P extends unknown[]> = { readonly [I in keyof P]: ArgumentDeclaration<Kinds, P[I]> };
/** Every method of `Api`, each argument declared: a value kind, or a request declaration. */
export type DeclarationsOf<Api, Kinds> = {
  readonly [M in keyof Api]: Api[M] extends (...args: infer P) => unknown ? MethodDeclaration<Kinds, P> : never;
};

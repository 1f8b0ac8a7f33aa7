// Gemini API (Google AI Studio, v1beta) wire types, as far as rxllm writes and reads them. Fields it
// does not read are left out; responses are read defensively, since they come off the network.

export interface GeminiPart {
  text?: string;
  /** Gemini 2.5 marks its thought summaries (`includeThoughts`) this way. */
  thought?: boolean;
  [field: string]: unknown;
}

export interface GeminiContent {
  role?: 'user' | 'model';
  parts: GeminiPart[];
}

export interface GeminiGenerationConfig {
  temperature?: number;
  topP?: number;
  maxOutputTokens?: number;
  stopSequences?: string[];
  candidateCount?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  seed?: number;
}

/** The body of `models/<m>:generateContent` and `:streamGenerateContent`. */
export interface GeminiRequest {
  contents: GeminiContent[];
  systemInstruction?: { parts: GeminiPart[] };
  generationConfig?: GeminiGenerationConfig;
}

export interface GeminiCandidate {
  content?: Partial<GeminiContent>;
  finishReason?: string;
  index?: number;
  [field: string]: unknown;
}

export interface GeminiUsageMetadata {
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  thoughtsTokenCount?: number;
  totalTokenCount?: number;
  [field: string]: unknown;
}

/** A `generateContent` answer, and each event of a `streamGenerateContent?alt=sse` stream. */
export interface GeminiResponse {
  candidates?: GeminiCandidate[];
  promptFeedback?: { blockReason?: string; [field: string]: unknown };
  usageMetadata?: GeminiUsageMetadata;
  modelVersion?: string;
  responseId?: string;
  [field: string]: unknown;
}

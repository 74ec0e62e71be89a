Console.WriteLine("SmartPole benchmarks: scenarios are added by their issues.");
return 0;
